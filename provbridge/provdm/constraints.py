"""W3C PROV-CONSTRAINTS validity of a PROV-DM document: unification, event ordering, typing, impossibility.

Each instance (the top level, each bundle) is normalised as the Recommendation describes: missing ids and
expandable ``-`` become existential variables (Definitions 1-4; a plan and a derivation's activity are not
expandable); the inferences that add events, types or identities the checks need are applied (5, 7, 8, 9,
10, 11, 14, 15, 19 and 21 for types); statements the key and uniqueness constraints (22-29, and PROV-Links'
one mention per entity) identify are merged by unification, attributes by union. A conflict is a
violation naming the constraint and the records involved, in PROV-N. The normal form is then checked:
a cycle through a strictly-precedes edge among the events the ordering constraints (30-49) relate,
typing (50, 55), impossibility (51-54, 56). Inferences 6, 12, 13, 16-18 and 20 add nothing these checks
can see (their consequences are implied by the constraints applied directly). Times never make a document
invalid (the Recommendation does not order events by them): given times that contradict an ordering are
warnings. A relation without the arguments PROV-DM requires is reported as not well-formed.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from provbridge.provdm.model import ARGUMENTS, PROV, REQUIRED, XSD_DATETIME, Document, Literal, Record, Value
from provbridge.provdm.ordering import check_ordering, components, instant

# PROV-CONSTRAINTS (W3C Recommendation, 30 April 2013) numbers and names
NAMES = {
    22: "key-object", 23: "key-properties", 24: "unique-generation", 25: "unique-invalidation",
    26: "unique-wasStartedBy", 27: "unique-wasEndedBy", 28: "unique-startTime", 29: "unique-endTime",
    30: "start-precedes-end", 31: "start-start-ordering", 32: "end-end-ordering",
    33: "usage-within-activity", 34: "generation-within-activity", 35: "wasInformedBy-ordering",
    36: "generation-precedes-invalidation", 37: "generation-precedes-usage",
    38: "usage-precedes-invalidation", 39: "generation-generation-ordering",
    40: "invalidation-invalidation-ordering", 41: "derivation-usage-generation-ordering",
    42: "derivation-generation-generation-ordering", 43: "wasStartedBy-ordering", 44: "wasEndedBy-ordering",
    45: "specialization-generation-ordering", 46: "specialization-invalidation-ordering",
    47: "wasAssociatedWith-ordering", 48: "wasAttributedTo-ordering", 49: "actedOnBehalfOf-ordering",
    50: "typing", 51: "impossible-unspecified-derivation-generation-use",
    52: "impossible-specialization-reflexive", 53: "impossible-property-overlap",
    54: "impossible-object-property-overlap", 55: "entity-activity-disjoint",
    56: "membership-empty-collection",
}
# the trial tag ``import`` gives a trial whose stored graph fails unification (value: the identifiers, ", ")
UNIFICATION_TAG = "prov-unification"
# the relations whose "-" is an existential variable (PROV-CONSTRAINTS Definition 4; wasDerivedFrom's
# generation and usage only when its activity is given)
EXPANDABLE: dict[str, tuple[str, ...]] = {
    "activity": ("prov:startTime", "prov:endTime"),
    "wasGeneratedBy": ("prov:activity", "prov:time"),
    "used": ("prov:entity", "prov:time"),
    "wasStartedBy": ("prov:trigger", "prov:starter", "prov:time"),
    "wasEndedBy": ("prov:trigger", "prov:ender", "prov:time"),
    "wasInvalidatedBy": ("prov:activity", "prov:time"),
    "wasAssociatedWith": ("prov:agent",),
    "actedOnBehalfOf": ("prov:activity",),
}
ELEMENTS = ("entity", "activity", "agent")
UNIDENTIFIED = ("specializationOf", "alternateOf", "hadMember", "mentionOf")
# influencee, influencer of each influence (Inference 15)
INFLUENCE_ARGS = {
    "wasGeneratedBy": (0, 1), "used": (0, 1), "wasInformedBy": (0, 1), "wasStartedBy": (0, 1),
    "wasEndedBy": (0, 1), "wasInvalidatedBy": (0, 1), "wasDerivedFrom": (0, 1), "wasAttributedTo": (0, 1),
    "wasAssociatedWith": (0, 1), "actedOnBehalfOf": (0, 1), "wasInfluencedBy": (0, 1),
}
# argument position -> type, per relation (Constraint 50)
TYPING: dict[str, tuple[tuple[str, ...], ...]] = {
    "wasGeneratedBy": (("entity",), ("activity",), ()),
    "used": (("activity",), ("entity",), ()),
    "wasInformedBy": (("activity",), ("activity",)),
    "wasStartedBy": (("activity",), ("entity",), ("activity",), ()),
    "wasEndedBy": (("activity",), ("entity",), ("activity",), ()),
    "wasInvalidatedBy": (("entity",), ("activity",), ()),
    "wasDerivedFrom": (("entity",), ("entity",), ("activity",), (), ()),
    "wasAttributedTo": (("entity",), ("agent",)),
    "wasAssociatedWith": (("activity",), ("agent",), ("entity",)),
    "actedOnBehalfOf": (("agent",), ("agent",), ("activity",)),
    "wasInfluencedBy": ((), ()),
    "specializationOf": (("entity",), ("entity",)),
    "alternateOf": (("entity",), ("entity",)),
    "hadMember": (("entity", "prov:Collection"), ("entity",)),
    "mentionOf": (("entity",), ("entity",), ("entity", "prov:Bundle")),
}
EMPTY_COLLECTION = PROV + "EmptyCollection"
TYPE = PROV + "type"


class UnificationWarning(UserWarning):
    """A query on an imported trial whose document fails PROV-CONSTRAINTS unification (its answer may join
    records the document gives distinct arguments under one identifier)."""


class Var:
    """An existential variable (an expanded ``-`` or an id/argument an inference introduces)."""

    __slots__ = ("n",)
    counter = itertools.count(1)

    def __init__(self) -> None:
        self.n = next(Var.counter)

    def __repr__(self) -> str:
        return f"_:v{self.n}"


ABSENT = None  # a "-" that is not expandable: it unifies only with itself
Term = Value | Var | None


@dataclass
class Stmt:
    """A statement under normalisation: kind, id term, argument terms (``ARGUMENTS`` order), attributes."""

    kind: str
    id: Term
    args: list[Term]
    attrs: set[tuple[str, Value]]
    origin: list[Record] = field(default_factory=list)
    inferred: str = ""  # the inference that made it, empty for the document's own statements


@dataclass(frozen=True)
class Violation:
    """One broken constraint: its PROV-CONSTRAINTS number (0: a rule of another spec, named by ``rule``),
    its category, what is wrong, the records involved (in PROV-N), the bundle (``None``: top level) and, for
    a unification failure, the identifier(s) it could not unify the statements of."""

    number: int
    category: str
    message: str
    records: tuple[str, ...]
    bundle: str | None = None
    rule: str = ""
    subjects: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return NAMES.get(self.number, self.rule)

    def __str__(self) -> str:
        where = f" in bundle {self.bundle}" if self.bundle else ""
        label = f"Constraint {self.number} ({self.name})" if self.number else self.rule
        involved = "; ".join(self.records)
        return f"{self.category}: {label}{where}: {self.message}" + (f" [{involved}]" if involved else "")


@dataclass
class Report:
    """The violations found (invalid when non-empty) and warnings (times out of order, never invalid)."""

    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations


class _Failure(Exception):
    def __init__(self, left: Term, right: Term) -> None:
        super().__init__()
        self.left, self.right = left, right


def _same_constant(left: Value, right: Value) -> bool:
    if left == right:
        return True
    if isinstance(left, Literal) and isinstance(right, Literal) and left.datatype == right.datatype == XSD_DATETIME:
        a, b = instant(left), instant(right)
        return a is not None and b is not None and a == b and (a.tzinfo is None) == (b.tzinfo is None)
    return False


class Instance:
    """Normalisation of one PROV instance (the top level or one bundle) and its validity checks."""

    def __init__(self, records: Iterable[Record], prefixes: dict[str, str], bundle: str | None) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))
        self.bundle = bundle
        self.where = None if bundle is None else self.show(bundle)
        self.binding: dict[Var, Term] = {}
        self.violations: list[Violation] = []
        self.warnings: list[str] = []
        self.stmts: list[Stmt] = []
        self.failed: set[tuple[int, int]] = set()
        records = list(records)
        self.order = {record: index for index, record in reversed(list(enumerate(records)))}
        for record in records:
            missing = [name for name in ARGUMENTS[record.kind][:REQUIRED[record.kind]] if record.arg(name) is None]
            if missing:  # not a PROV-DM statement: left out of normalisation
                message = f"{record.kind} lacks its required {' and '.join(missing)}"
                records_ = (self.render(record),)
                self.violations.append(Violation(0, "well-formedness", message, records_, self.where, "PROV-DM"))
                continue
            self.stmts.append(self._expand(record))

    # -- terms
    def find(self, term: Term) -> Term:
        while isinstance(term, Var) and term in self.binding:
            term = self.binding[term]
        return term

    def unify(self, left: Term, right: Term) -> None:
        left, right = self.find(left), self.find(right)
        if left is right or left == right:
            return
        if isinstance(left, Var):
            self.binding[left] = right
        elif isinstance(right, Var):
            self.binding[right] = left
        elif left is None or right is None or not _same_constant(left, right):
            raise _Failure(left, right)

    def show(self, term: Term) -> str:
        term = self.find(term)
        if term is None:
            return "-"
        if isinstance(term, Var):
            return repr(term)
        if isinstance(term, Literal):
            return term.value
        for prefix, namespace in self.prefixes:
            if term.startswith(namespace):
                return f"{prefix}:{term[len(namespace):]}"
        return f"<{term}>"

    def render(self, record: Record) -> str:
        """A record in PROV-N, for reports."""
        args = [self.show(record.arg(name)) for name in ARGUMENTS[record.kind]]
        if record.kind in ELEMENTS:
            head = [self.show(record.id)] + (args if record.kind == "activity" else [])
            return f"{record.kind}({', '.join(head)})"
        ident = f"{self.show(record.id)}; " if record.id else ""
        return f"{record.kind}({ident}{', '.join(args)})"

    def _involved(self, *stmts: Stmt) -> tuple[str, ...]:
        involved = {record for stmt in stmts for record in stmt.origin}
        ordered = sorted(involved, key=lambda record: self.order.get(record, len(self.order)))
        return tuple(dict.fromkeys(self.render(record) for record in ordered))

    def violation(self, number: int, category: str, message: str, *stmts: Stmt, rule: str = "",
                  subjects: tuple[str, ...] = ()) -> None:
        self.violations.append(Violation(number, category, message, self._involved(*stmts), self.where, rule,
                                         subjects))

    def describe(self, event: Term, stmt: Stmt | None) -> str:
        """An event by its id, or (an id the document does not give) by what it is the event of."""
        if not isinstance(self.find(event), Var) or stmt is None:
            return self.show(event)
        what = {"wasGeneratedBy": "generation", "used": "usage", "wasInvalidatedBy": "invalidation",
                "wasStartedBy": "start", "wasEndedBy": "end"}[stmt.kind]
        return f"a {what} of {self.show(stmt.args[0])}"

    # -- expansion (Definitions 1-4) and impossible derivations (Constraint 51)
    def _expand(self, record: Record) -> Stmt:
        names = ARGUMENTS[record.kind]
        expandable = EXPANDABLE.get(record.kind, ())
        if record.kind == "wasDerivedFrom":
            if record.arg("prov:activity") is not None:
                expandable = ("prov:generation", "prov:usage")
        args: list[Term] = []
        for name in names:
            value = record.arg(name)
            args.append(value if value is not None else (Var() if name in expandable else ABSENT))
        if record.kind in ELEMENTS:
            ident: Term = record.id
        elif record.kind in UNIDENTIFIED:
            ident = None
        else:
            ident = record.id if record.id is not None else Var()
        stmt = Stmt(record.kind, ident, args, set(record.attrs), [record])
        if record.kind == "wasDerivedFrom" and record.arg("prov:activity") is None:
            given = [n for n in ("prov:generation", "prov:usage") if record.arg(n) is not None]
            if given:
                message = f"a derivation without an activity names its {' and '.join(given)}"
                self.violation(51, "impossibility", message, stmt)
        return stmt

    # -- inferences
    def _by_kind(self, kind: str) -> list[Stmt]:
        return [s for s in self.stmts if s.kind == kind]

    def _add(self, kind: str, ident: Term, args: list[Term], rule: str, origin: Stmt) -> None:
        self.stmts.append(Stmt(kind, ident, args, set(), list(origin.origin), rule))

    def infer(self) -> None:
        """The inferences that add events or types the checks need (PROV-CONSTRAINTS 5-21, in part)."""
        for s in list(self.stmts):
            if s.kind == "wasInformedBy":  # Inference 5
                entity = Var()
                self._add("wasGeneratedBy", Var(), [entity, s.args[1], Var()], "5", s)
                self._add("used", Var(), [s.args[0], entity, Var()], "5", s)
            elif s.kind == "wasDerivedFrom" and s.args[2] is not ABSENT:  # Inference 11
                self._add("wasGeneratedBy", s.args[3], [s.args[0], s.args[2], Var()], "11", s)
                self._add("used", s.args[4], [s.args[2], s.args[1], Var()], "11", s)
            elif s.kind == "actedOnBehalfOf" and s.args[2] is not ABSENT:  # Inference 14
                self._add("wasAssociatedWith", Var(), [s.args[2], s.args[0], ABSENT], "14", s)
                self._add("wasAssociatedWith", Var(), [s.args[2], s.args[1], ABSENT], "14", s)
            elif s.kind in ("wasStartedBy", "wasEndedBy"):  # Inferences 9 and 10
                rule = "9" if s.kind == "wasStartedBy" else "10"
                self._add("wasGeneratedBy", Var(), [s.args[1], s.args[2], Var()], rule, s)
        types = self.types()
        generated = {self.find(s.args[0]) for s in self._by_kind("wasGeneratedBy")}
        invalidated = {self.find(s.args[0]) for s in self._by_kind("wasInvalidatedBy")}
        started = {self.find(s.args[0]) for s in self._by_kind("wasStartedBy")}
        ended = {self.find(s.args[0]) for s in self._by_kind("wasEndedBy")}
        elements = {(s.kind, self.find(s.id)): s for s in self.stmts if s.kind in ELEMENTS}
        first_use: dict[Term, Stmt] = {}  # the statement that types a term (the origin of what it implies)
        for s in self.stmts:
            for term in s.args:
                first_use.setdefault(self.find(term), s)
        for term, kinds in types.items():
            if isinstance(term, Var):
                continue
            if "entity" in kinds:  # Inference 7 (for every identifier typed as an entity)
                origin = elements.get(("entity", term)) or first_use[term]
                if term not in generated:
                    self._add("wasGeneratedBy", Var(), [term, Var(), Var()], "7", origin)
                if term not in invalidated:
                    self._add("wasInvalidatedBy", Var(), [term, Var(), Var()], "7", origin)
            if "activity" in kinds:  # Inference 8
                element = elements.get(("activity", term))
                origin = element or first_use[term]
                start, end = (element.args if element else [Var(), Var()])
                if term not in started or element:
                    self._add("wasStartedBy", Var(), [term, Var(), Var(), start], "8", origin)
                if term not in ended or element:
                    self._add("wasEndedBy", Var(), [term, Var(), Var(), end], "8", origin)

    # -- unification (Constraints 22-29 and PROV-Links' unique mention)
    def _merge(self, keep: Stmt, other: Stmt, number: int, what: str, subject: Term) -> bool:
        pair = (id(keep), id(other))
        if pair in self.failed:
            return False
        saved = dict(self.binding)
        try:
            self.unify(keep.id, other.id)
            for left, right in zip(keep.args, other.args):
                self.unify(left, right)
        except _Failure as failure:
            self.binding = saved
            self.failed.add(pair)
            message = f"{what}: {self.show(failure.left)} and {self.show(failure.right)} differ"
            rule = "" if number else "PROV-Links mentionOf"
            self.violation(number, "unification", message, keep, other, rule=rule, subjects=(self.show(subject),))
            return False
        keep.attrs |= other.attrs
        keep.origin += [r for r in other.origin if r not in keep.origin]
        if keep.inferred and not other.inferred:
            keep.inferred = ""
        return True

    def _groups(self) -> Iterator[tuple[list[Stmt], int, str, Term]]:
        keyed: dict[tuple[int, str, Term, Term], list[Stmt]] = defaultdict(list)
        for s in self.stmts:
            ident = self.find(s.id)
            if s.kind in ELEMENTS:
                keyed[(22, s.kind, ident, None)].append(s)
            elif s.kind == "mentionOf":
                keyed[(0, s.kind, self.find(s.args[0]), None)].append(s)
            elif s.kind in UNIDENTIFIED:
                continue
            else:
                keyed[(23, s.kind, ident, None)].append(s)
                args = [self.find(a) for a in s.args]
                if s.kind in ("wasGeneratedBy", "wasInvalidatedBy"):
                    keyed[(24 if s.kind == "wasGeneratedBy" else 25, s.kind, args[0], args[1])].append(s)
                elif s.kind in ("wasStartedBy", "wasEndedBy"):
                    keyed[(26 if s.kind == "wasStartedBy" else 27, s.kind, args[0], args[2])].append(s)
        for key, members in keyed.items():
            if len(members) > 1:
                number = key[0]
                what = f"{key[1]} {self.show(key[2])}" if number in (22, 23) else f"{key[1]}s of {self.show(key[2])}"
                if number in (24, 25):
                    what += f" by {self.show(key[3])}"
                elif number in (26, 27):
                    what += f" {'started' if number == 26 else 'ended'} by {self.show(key[3])}"
                if number == 0:
                    what = f"mentionOf {self.show(key[2])} (an entity is a mention of one entity in one bundle)"
                yield members, number, what, key[2]

    def normalise(self) -> None:
        """Merge statements the key and uniqueness constraints identify, until nothing changes."""
        self._alive = _IdentitySet(self.stmts)
        changed = True
        while changed:
            changed = False
            for members, number, what, subject in list(self._groups()):
                live = [m for m in members if m in self._alive]
                keep = live[0] if live else None
                for other in live[1:]:
                    if keep is not None and self._merge(keep, other, number, what, subject):
                        self._alive.discard(other)
                        changed = True
            self.stmts = [s for s in self.stmts if s in self._alive]
            if self._times() or self._influences():
                changed = True

    def _times(self) -> bool:
        """Constraints 28 and 29: an activity's start (end) time is the time of each of its starts (ends)."""
        activities = {self.find(s.id): s for s in self.stmts if s.kind == "activity"}
        before = len(self.binding)
        for s in self.stmts:
            if s.kind not in ("wasStartedBy", "wasEndedBy") or s.inferred == "8":
                continue
            activity = activities.get(self.find(s.args[0]))
            if activity is None:
                continue
            index, number = (0, 28) if s.kind == "wasStartedBy" else (1, 29)
            key = (id(activity), id(s))
            if key in self.failed:
                continue
            try:
                self.unify(activity.args[index], s.args[3])
            except _Failure as failure:
                self.failed.add(key)
                what = "start" if number == 28 else "end"
                message = (f"the {what} time of {self.show(activity.id)}: "
                           f"{self.show(failure.left)} and {self.show(failure.right)} differ")
                self.violation(number, "unification", message, activity, s, subjects=(self.show(activity.id),))
        return len(self.binding) != before

    def _influences(self) -> bool:
        """Inference 15 with Constraint 23: a wasInfluencedBy sharing a relation's id has its two arguments."""
        by_id: dict[Term, list[Stmt]] = defaultdict(list)
        for s in self.stmts:
            if s.kind in INFLUENCE_ARGS and not isinstance(self.find(s.id), Var):
                by_id[self.find(s.id)].append(s)
        before = len(self.binding)
        for stmts in by_id.values():
            for influence in (s for s in stmts if s.kind == "wasInfluencedBy"):
                for other in (s for s in stmts if s.kind != "wasInfluencedBy"):
                    key = (id(influence), id(other))
                    if key in self.failed:
                        continue
                    first, second = INFLUENCE_ARGS[other.kind]
                    saved = dict(self.binding)
                    try:
                        self.unify(influence.args[0], other.args[first])
                        self.unify(influence.args[1], other.args[second])
                    except _Failure as failure:
                        self.binding = saved
                        self.failed.add(key)
                        message = (f"wasInfluencedBy {self.show(influence.id)} (Inference 15 from its {other.kind}): "
                                   f"{self.show(failure.left)} and {self.show(failure.right)} differ")
                        self.violation(23, "unification", message, influence, other,
                                       subjects=(self.show(influence.id),))
        return len(self.binding) != before

    # -- typing (Constraint 50) and impossibility (52-56)
    def types(self) -> dict[Term, set[str]]:
        found: dict[Term, set[str]] = defaultdict(set)
        for s in self.stmts:
            if s.kind in ELEMENTS:
                found[self.find(s.id)].add(s.kind)
                if s.kind == "entity" and (TYPE, EMPTY_COLLECTION) in s.attrs:
                    found[self.find(s.id)].update({"prov:Collection", "prov:EmptyCollection"})
                continue
            for term, kinds in zip(s.args, TYPING[s.kind]):
                if term is not ABSENT:
                    found[self.find(term)].update(kinds)
        return found

    def check_types(self) -> None:
        types = self.types()
        by_term: dict[Term, list[Stmt]] = defaultdict(list)
        for s in self.stmts:
            for term in (s.id, *s.args):
                by_term[self.find(term)].append(s)
        for term, kinds in types.items():
            if {"entity", "activity"} <= kinds:
                own = [s for s in by_term[term] if not s.inferred] or by_term[term]
                self.violation(55, "typing", f"{self.show(term)} is both an entity and an activity", *own)
        relation_ids: dict[Term, list[Stmt]] = defaultdict(list)
        for s in self.stmts:
            if s.kind not in ELEMENTS and s.kind not in UNIDENTIFIED and not isinstance(self.find(s.id), Var):
                relation_ids[self.find(s.id)].append(s)
        for term, stmts in relation_ids.items():
            relations = sorted({s.kind for s in stmts if s.kind != "wasInfluencedBy"})
            if len(relations) > 1:
                message = f"{self.show(term)} identifies relations of different kinds ({', '.join(relations)})"
                self.violation(53, "impossibility", message, *stmts)
            objects = types.get(term, set()) & set(ELEMENTS)
            if objects:
                others = [s for s in by_term[term] if not s.inferred]
                others = [s for s in others if s.kind in ELEMENTS or self.find(s.id) != term]
                message = f"{self.show(term)} identifies both a relation and an {'/'.join(sorted(objects))}"
                self.violation(54, "impossibility", message, *stmts, *others)
        # Inference 21 for types only: a specialization has its general entity's prov:type values
        empty = {self.find(s.id) for s in self.stmts if s.kind == "entity" and (TYPE, EMPTY_COLLECTION) in s.attrs}
        specials = [(self.find(s.args[0]), self.find(s.args[1])) for s in self.stmts if s.kind == "specializationOf"]
        grew = True
        while grew:
            grew = False
            for specific, general in specials:
                if general in empty and specific not in empty:
                    empty.add(specific)
                    grew = True
        for s in self.stmts:
            if s.kind == "hadMember" and self.find(s.args[0]) in empty:
                self.violation(56, "impossibility", f"{self.show(s.args[0])} is an empty collection with a member", s)
        self._specialization_cycles(specials)

    def _specialization_cycles(self, specials: list[tuple[Term, Term]]) -> None:
        """Constraint 52 with Inference 19 (transitivity): no entity is, through a chain, a specialization of itself."""
        graph: dict[Term, set[Term]] = defaultdict(set)
        for specific, general in specials:
            graph[specific].add(general)
        stmts = [s for s in self.stmts if s.kind == "specializationOf"]
        for component in components(graph):
            if len(component) > 1 or any(node in graph[node] for node in component):
                involved = [s for s in stmts if self.find(s.args[0]) in component and self.find(s.args[1]) in component]
                names = ", ".join(sorted(self.show(t) for t in component))
                message = f"specializationOf is reflexive through transitivity for {names}"
                self.violation(52, "impossibility", message, *involved)

    def warn(self, number: int, text: str) -> None:
        """A warning about an ordering constraint (given times that contradict it)."""
        where = f" in bundle {self.where}" if self.where else ""
        self.warnings.append(f"ordering{where}: Constraint {number} ({NAMES[number]}): {text}")


class _IdentitySet:
    """A set of statements by identity (statements are mutable and unhashable)."""

    def __init__(self, items: Iterable[Stmt]) -> None:
        self._items = {id(item): item for item in items}

    def __contains__(self, item: object) -> bool:
        return id(item) in self._items

    def discard(self, item: Stmt) -> None:
        self._items.pop(id(item), None)


def check_instance(records: Iterable[Record], prefixes: dict[str, str], bundle: str | None = None) -> Report:
    """Validity of one PROV instance (a list of records)."""
    instance = Instance(records, prefixes, bundle)
    instance.infer()
    instance.normalise()
    instance.check_types()
    check_ordering(instance)
    return Report(instance.violations, instance.warnings)


def unification_failures(records: Iterable[Record], prefixes: dict[str, str]) -> list[str]:
    """The identifiers (as PROV-N names) whose statements in one instance cannot be unified (Constraints
    22-29, PROV-Links' unique mention), sorted: only the inferences and merging, not the other checks."""
    instance = Instance(records, prefixes, None)
    instance.infer()
    instance.normalise()
    return sorted({subject for v in instance.violations if v.category == "unification" for subject in v.subjects})


def check(document: Document) -> Report:
    """PROV-CONSTRAINTS validity of a document: its top-level instance and each bundle (distinct names)."""
    prefixes = document.prefixes
    report = check_instance(document.records, prefixes)
    names: dict[str, int] = defaultdict(int)
    for bundle in document.bundles:
        names[bundle.id] += 1
        part = check_instance(bundle.records, prefixes, bundle.id)
        report.violations += part.violations
        report.warnings += part.warnings
    for name, count in names.items():
        if count > 1:
            shown = next((f"{p}:{name[len(ns):]}" for p, ns in sorted(prefixes.items()) if name.startswith(ns)), name)
            report.violations.append(Violation(0, "unification", f"{count} bundles are named {shown}", (),
                                               None, "PROV-CONSTRAINTS document validity"))
    return report

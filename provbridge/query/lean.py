"""The lean query index: which canned queries it answers, the vocabulary they read (derived from their
texts), and the filter that keeps only those quads of a captured trial's N-Quads.

A captured trial's PROV-O graph is mostly detail no canned query reads: the type triples of every
execution and version, prov:used, pb:previousExecution, each execution's label and line, each version's
binding and value. The lean index keeps what the queries of :data:`LEAN_QUERIES` read, which is what
``deps``, ``impact``, ``lineage``, comparisons and values ask; any other SPARQL (the user's own, and
versions.rq, which reads every detail of every version) runs on the full graph (provbridge.query.tiers).
A trial held as a stored graph (an imported document) is kept whole: its queries read any predicate.

Two filters and a rewrite make the lean graph:

- by vocabulary (:func:`vocabulary`): a quad is kept when its predicate, or for ``rdf:type`` its class,
  is a name some lean query's text uses;
- by subject (:data:`SUBJECT_RULES`), for the predicates the lean queries read only of a few nodes:
  ``pb:valueType``, ``prov:value``, ``pb:repr``, ``pb:summary`` only of final versions (values,
  compare_variables, tagged_values read them through ``pb:finalVersion``); ``rdfs:label`` only of the
  pb:Trial (values, tagged_values); ``pb:partOf`` and ``rdf:type prov:Activity`` only of nodes with a
  ``pb:tag``, and ``pb:parentExecution`` only in a trial with a tagged node (tagged_values); ``pb:scope``
  of a version only when it is not ``"<module>"`` (the queries' level filter asks for another scope;
  pb:Variable nodes keep theirs);
- one rewrite: in a trial without tagged nodes, every ``prov:wasGeneratedBy`` points to the one node
  :data:`SOME_ACTIVITY`. Only tagged_values follows it to an activity (from a tagged one); the other lean
  queries ask only whether a node was generated (forward, impact_all: ``?written``; lineage: which file
  versions a trial wrote). A distinct execution IRI per version is ~17% of the index at a million records
  (its string and the hashes of every key holding it).

tests/query/test_lean.py checks that every lean query gives the same answer on the lean and the full graph
of captured trials, and fails when a query's vocabulary changes without this module being reviewed."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import IO

from provbridge.query.params import canned

LEAN_QUERIES = ("backward", "backward_all", "backward_version", "forward", "lineage", "impact_all",
                "compare_files", "compare_only", "compare_operations", "compare_variables", "values",
                "tagged_values")
# queries whose required patterns read only what the lean index keeps (the rest OPTIONAL): their answer on
# the full graph is empty exactly when it is on the lean one, so an empty lean answer is the answer (a name
# that is not there is found missing without loading the full index)
EMPTY_ALIKE = ("versions",)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PB = "https://w3id.org/provbridge/ns#"
PROV = "http://www.w3.org/ns/prov#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FINAL = "finals"  # subjects that are some variable's pb:finalVersion
TRIAL = "trials"  # subjects typed pb:Trial
TAGGED = "tagged"  # subjects with a pb:tag
ANY_TAGGED = "any-tagged"  # every subject, when the trial has a tagged node
SUBJECT_RULES: dict[str, str] = {
    PB + "valueType": FINAL, PROV + "value": FINAL, PB + "repr": FINAL, PB + "summary": FINAL,
    RDFS_LABEL: TRIAL, PB + "partOf": TAGGED, PB + "parentExecution": ANY_TAGGED,
}
TAGGED_CLASSES = frozenset({PROV + "Activity"})  # rdf:type kept only of tagged nodes
MODULE_SCOPE = b'"<module>"'
SOME_ACTIVITY = PB + "someActivity"  # the one generating activity of an untagged trial's lean graph

_PREFIX = re.compile(r"^\s*PREFIX\s+(\w*):\s*<([^<>\s]*)>", re.MULTILINE | re.IGNORECASE)
_NAME = re.compile(r"(?<![\w<?$])([A-Za-z][\w-]*):(\w+)")
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>|#[^\n]*')  # a literal, an IRI or a comment
_IRI = re.compile(r"<([^<>\s]*)>")


def names_read(text: str) -> frozenset[str]:
    """The IRIs a query's text names outside its PREFIX declarations and comments (prefixed names expanded
    by its own declarations, full IRIs as written)."""
    prefixes = dict(_PREFIX.findall(text))
    # literals name nothing, comments neither; IRIs stay as written
    body = _TOKEN.sub(lambda m: m.group() if m.group().startswith("<") else "", _PREFIX.sub("", text))
    found = {prefixes[p] + local for p, local in _NAME.findall(body) if p in prefixes}
    return frozenset(found | set(_IRI.findall(body)))


@cache
def vocabulary() -> frozenset[str]:
    """Every IRI the lean queries read (predicates and classes), and ``rdf:type`` (their ``a``)."""
    found: set[str] = {RDF_TYPE}
    for name in LEAN_QUERIES:
        found |= names_read(canned(name).text)
    return frozenset(found)


@cache
def digest() -> str:
    """A short digest of the lean index's rules: a change of the lean queries' vocabulary rebuilds it."""
    text = "\n".join(sorted(vocabulary())) + repr(sorted(SUBJECT_RULES.items())) + repr(sorted(TAGGED_CLASSES)) \
        + SOME_ACTIVITY
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# -- which queries the lean index answers -----------------------------------------------------------------
_VALUES_BLOCK = re.compile(
    r"""VALUES\s+(\?\w+|\((?:\s*\?\w+)*\s*\))\s*\{(?:\s+|<[^<>]*>|"(?:[^"\\]|\\.)*"(?:\^\^<[^<>]*>|@[\w-]+)?"""
    r"""|[\w.+-]+|[()])*\}""")
_GRAPH_TERM = re.compile(r"\bGRAPH\s+(?:\?\w+|<[^<>\s]*>)")
_PATH_SUBJECT = re.compile(r"^(\s*)(?:\?\w+|<[^<>\s]*>)(?=\s+[^\s(]+[+*]\s)", re.MULTILINE)


def shape(text: str) -> str:
    """The text with what binding a canned query changes (its VALUES blocks, the IRI written into GRAPH and
    as a path's subject; see provbridge.query.params.bind) made the same for every binding."""
    text = _VALUES_BLOCK.sub(lambda m: f"VALUES {m.group(1)} {{}}", text)
    text = _GRAPH_TERM.sub("GRAPH _", text)
    return _PATH_SUBJECT.sub(lambda m: m.group(1) + "_", text)


@cache
def _shapes(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(shape(canned(name).text) for name in names)


def answers(text: str) -> bool:
    """Whether the lean index gives ``text`` the full graph's answer: it is the text of a lean query, its
    parameters bound or not."""
    return shape(text) in _shapes(LEAN_QUERIES)


def empty_alike(text: str) -> bool:
    """Whether ``text`` is one of :data:`EMPTY_ALIKE`: empty on the lean index only when empty on the full."""
    return shape(text) in _shapes(EMPTY_ALIKE)


# -- the filter ------------------------------------------------------------------------------------------
def _term(iri: str) -> bytes:
    return f"<{iri}>".encode()


_TYPE = _term(RDF_TYPE)
_FINAL_VERSION, _TAG, _SCOPE = _term(PB + "finalVersion"), _term(PB + "tag"), _term(PB + "scope")
_TRIAL, _VARIABLE = _term(PB + "Trial"), _term(PB + "Variable")
_GENERATED, _SOME_ACTIVITY = _term(PROV + "wasGeneratedBy"), _term(SOME_ACTIVITY)


@cache
def _kept() -> frozenset[bytes]:
    return frozenset(_term(iri) for iri in vocabulary())


class LeanWriter:
    """A binary file that N-Quads are written to (as provbridge.export.rdfwrite writes them): keeps the
    lines of the lean vocabulary in ``spool`` and notes the facts the subject rules need; :meth:`finish`
    then writes those lines, subject rules applied, to another file. One pass over the lines in Python
    (split and set lookups) is twice as fast as a regular expression over them."""

    def __init__(self, spool: IO[bytes]) -> None:
        self.spool = spool
        self.pending = b""
        self.finals: set[bytes] = set()
        self.trials: set[bytes] = set()
        self.variables: set[bytes] = set()
        self.tagged: set[bytes] = set()

    def write(self, data: bytes) -> int:
        text = self.pending + data
        end = text.rfind(b"\n") + 1
        self.pending = text[end:]
        if end:
            self._take(text[:end - 1])
        return len(data)

    def _take(self, lines: bytes) -> None:
        kept = _kept()
        out: list[bytes] = []
        append = out.append
        for line in lines.split(b"\n"):
            s, p, o = line.split(b" ", 3)[:3]
            if p not in kept:
                continue
            if p == _TYPE:
                if o not in kept:
                    continue
                if o == _VARIABLE:
                    self.variables.add(s)
                elif o == _TRIAL:
                    self.trials.add(s)
            elif p == _FINAL_VERSION:
                self.finals.add(o)
            elif p == _TAG:
                self.tagged.add(s)
            append(line)
        if out:
            out.append(b"")
            self.spool.write(b"\n".join(out))

    def finish(self, out: IO[bytes], block: int = 1 << 20) -> None:
        """Write the kept lines with the subject rules applied to ``out`` (reading the spool from its start)."""
        if self.pending:
            self._take(self.pending)
            self.pending = b""
        subjects = {FINAL: self.finals, TRIAL: self.trials, TAGGED: self.tagged}
        ruled = {_term(p): subjects.get(rule) for p, rule in SUBJECT_RULES.items()}
        any_tagged = _term(PB + "parentExecution")
        tagged_classes = {_term(c) for c in TAGGED_CLASSES}
        self.spool.seek(0)
        while True:
            lines = self.spool.read(block)
            if not lines:
                break
            lines += self.spool.readline()
            kept: list[bytes] = []
            for line in lines[:-1].split(b"\n"):
                s, p, o = line.split(b" ", 3)[:3]
                if p in ruled:
                    among = ruled[p]
                    if (among is None and not self.tagged) if p == any_tagged else s not in among:  # type: ignore[operator]
                        continue
                elif p == _SCOPE:
                    if o == MODULE_SCOPE and s not in self.variables:
                        continue
                elif p == _TYPE and o in tagged_classes and s not in self.tagged:
                    continue
                elif p == _GENERATED and not self.tagged:
                    line = b" ".join((s, p, _SOME_ACTIVITY, line.split(b" ", 3)[3]))
                kept.append(line)
            kept.append(b"")
            out.write(b"\n".join(kept))

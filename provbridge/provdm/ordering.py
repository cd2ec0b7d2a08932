"""PROV-CONSTRAINTS event ordering (Constraints 30-49): the precedence graph of a normalised instance,
its cycles through a strictly-precedes edge (violations), and given times that contradict it (warnings)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from provbridge.provdm.model import Literal

if TYPE_CHECKING:
    from provbridge.provdm.constraints import Instance, Stmt, Term

# earlier event, later event, strictly, constraint number, the relation it comes from (None: the events')
Edge = tuple["Term", "Term", bool, int, "Stmt | None"]


def instant(value: Literal) -> datetime | None:
    """The instant an xsd:dateTime literal names (``None`` when it is not one)."""
    try:
        return datetime.fromisoformat(value.value.replace("Z", "+00:00"))
    except ValueError:
        return None


def components(graph: dict[Term, set[Term]]) -> list[list[Term]]:
    """Strongly connected components (iterative Tarjan)."""
    index: dict[Term, int] = {}
    low: dict[Term, int] = {}
    stack: list[Term] = []
    on_stack: set[Term] = set()
    found: list[list[Term]] = []
    nodes = list(graph) + [n for targets in list(graph.values()) for n in targets if n not in graph]
    for start in nodes:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(list(graph.get(start, ()))))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(list(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def check_ordering(instance: Instance) -> None:
    """Constraints 30-49 over the normalised statements: a cycle through a strict edge is a violation."""
    edges: list[Edge] = []
    gens, invs, uses_of, uses_by, gens_by = (defaultdict(list) for _ in range(5))
    starts, ends = defaultdict(list), defaultdict(list)
    events: dict[Term, Stmt] = {}
    for s in instance.stmts:
        if s.kind in ("wasGeneratedBy", "used", "wasInvalidatedBy", "wasStartedBy", "wasEndedBy"):
            events[instance.find(s.id)] = s
        a = [instance.find(t) for t in s.args]
        if s.kind == "wasGeneratedBy":
            gens[a[0]].append(instance.find(s.id))
            gens_by[a[1]].append(instance.find(s.id))
        elif s.kind == "wasInvalidatedBy":
            invs[a[0]].append(instance.find(s.id))
            gens_by[a[1]].append(instance.find(s.id))  # an invalidation is also within its activity
        elif s.kind == "used":
            uses_by[a[0]].append(instance.find(s.id))
            uses_of[a[1]].append(instance.find(s.id))
        elif s.kind == "wasStartedBy":
            starts[a[0]].append(instance.find(s.id))
        elif s.kind == "wasEndedBy":
            ends[a[0]].append(instance.find(s.id))

    source: Stmt | None = None

    def all_pairs(first: list[Term], second: list[Term], number: int, strict: bool = False) -> None:
        edges.extend((x, y, strict, number, source) for x in first for y in second)

    def ring(group: dict[Term, list[Term]], number: int) -> None:
        for members in group.values():
            for x, y in zip(members, members[1:] + members[:1]):
                if x != y:
                    edges.append((x, y, False, number, None))

    for activity in set(starts) | set(ends):
        all_pairs(starts[activity], ends[activity], 30)
        all_pairs(starts[activity], uses_by[activity], 33)
        all_pairs(uses_by[activity], ends[activity], 33)
        all_pairs(starts[activity], gens_by[activity], 34)
        all_pairs(gens_by[activity], ends[activity], 34)
    ring(starts, 31)
    ring(ends, 32)
    ring(gens, 39)
    ring(invs, 40)
    for entity in set(gens) | set(invs) | set(uses_of):
        all_pairs(gens[entity], invs[entity], 36)
        all_pairs(gens[entity], uses_of[entity], 37)
        all_pairs(uses_of[entity], invs[entity], 38)
    for s in instance.stmts:
        a = [instance.find(t) for t in s.args]
        source = s
        if s.kind == "wasInformedBy":
            all_pairs(starts[a[1]], ends[a[0]], 35)
        elif s.kind == "wasDerivedFrom":
            if a[3] is not None and a[4] is not None:
                edges.append((a[4], a[3], False, 41, s))
            all_pairs(gens[a[1]], gens[a[0]], 42, strict=True)
        elif s.kind in ("wasStartedBy", "wasEndedBy"):
            number = 43 if s.kind == "wasStartedBy" else 44
            all_pairs(gens[a[1]], [instance.find(s.id)], number)
            all_pairs([instance.find(s.id)], invs[a[1]], number)
        elif s.kind == "specializationOf":
            all_pairs(gens[a[1]], gens[a[0]], 45)
            all_pairs(invs[a[0]], invs[a[1]], 46)
        elif s.kind == "wasAssociatedWith":
            all_pairs(starts[a[0]], invs[a[1]], 47)
            all_pairs(gens[a[1]], ends[a[0]], 47)
            all_pairs(starts[a[0]], ends[a[1]], 47)
            all_pairs(starts[a[1]], ends[a[0]], 47)
        elif s.kind == "wasAttributedTo":
            all_pairs(gens[a[1]], gens[a[0]], 48)
            all_pairs(starts[a[1]], gens[a[0]], 48)
        elif s.kind == "actedOnBehalfOf":
            all_pairs(gens[a[1]], invs[a[0]], 49)
            all_pairs(starts[a[1]], ends[a[0]], 49)
    graph: dict[Term, set[Term]] = defaultdict(set)
    for x, y, *_ in edges:
        graph[x].add(y)
    component_of: dict[Term, int] = {}
    for index, component in enumerate(components(graph)):
        for node in component:
            component_of[node] = index
    reported: set[int] = set()
    for x, y, strict, number, _ in edges:
        where = component_of.get(x)
        if not strict or where is None or where != component_of.get(y) or where in reported:
            continue
        reported.add(where)
        # the records involved: the relations whose orderings close the cycle, and its events' statements
        relations = [e[4] for e in edges
                     if e[4] is not None and component_of.get(e[0]) == where == component_of.get(e[1])]
        cycle = [events[t] for t in component_of if component_of[t] == where and t in events]
        later, earlier = instance.describe(y, events.get(y)), instance.describe(x, events.get(x))
        message = f"{later} must strictly follow {earlier}, yet it precedes it (a cycle)"
        instance.violation(number, "ordering", message, *relations, *cycle)
    _time_warnings(instance, edges, events)


def _time_warnings(instance: Instance, edges: list[Edge], events: dict[Term, Stmt]) -> None:
    """Given times that contradict an ordering (PROV-CONSTRAINTS does not make these invalid)."""
    def time_of(term: Term) -> datetime | None:
        stmt = events.get(term)
        if stmt is None:
            return None
        value = instance.find(stmt.args[-1])
        return instant(value) if isinstance(value, Literal) else None

    seen: set[tuple[Term, Term]] = set()
    for x, y, strict, number, _ in edges:
        if number in (31, 32, 39, 40):  # simultaneity of one object's starts, ends...: not an order
            continue
        tx, ty = time_of(x), time_of(y)
        if tx is None or ty is None or (tx.tzinfo is None) != (ty.tzinfo is None) or (x, y) in seen:
            continue
        if tx > ty or (strict and tx == ty):
            seen.add((x, y))
            first, second = events[x], events[y]
            instance.warn(number, f"{instance.describe(x, first)} at {instance.show(first.args[-1])} must "
                                  f"precede {instance.describe(y, second)} at {instance.show(second.args[-1])}")

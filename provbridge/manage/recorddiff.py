"""The diff of a trial held as a stored graph (provbridge.translate.representation): the PROV records of two
trials (an imported or pulled document, and another trial of any kind), records only in one and records in
both whose attributes differ, compared through the ``prov`` package's model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from provbridge.export import to_prov

if TYPE_CHECKING:
    from provbridge.store.store import Trial

# record key (IRIs) -> (display text, {attribute key (IRIs) -> display text})
Records = dict[str, tuple[str, dict[str, str]]]


@dataclass
class RecordDiff:
    """``only_a``/``only_b``: records (PROV-N-like text) in one document only; ``changed``: records in both
    with the attributes only in ``a`` and only in ``b``; ``same``: how many records are identical."""

    a: int
    b: int
    a_label: str
    b_label: str
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    same: int = 0
    all: bool = False

    @property
    def empty(self) -> bool:
        return not (self.only_a or self.only_b or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "records": {"same": self.same, "only_a": self.only_a,
                                                      "only_b": self.only_b, "changed": self.changed}}

    def text(self) -> str:
        lines = [f"trial {self.a} ({self.a_label}) vs trial {self.b} ({self.b_label}): {self.same} records the "
                 f"same, {len(self.changed)} changed, {len(self.only_a)} only in {self.a}, "
                 f"{len(self.only_b)} only in {self.b}"]
        for title, records in ((f"only in trial {self.a}", self.only_a), (f"only in trial {self.b}", self.only_b)):
            if records:
                lines.append(f"{title}:")
                lines.extend(f"  {record}" for record in records)
        if self.changed:
            lines.append("attributes changed:")
            for change in self.changed:
                lines.append(f"  {change['record']}")
                lines.extend(f"    - {attr}" for attr in change["a"])
                lines.extend(f"    + {attr}" for attr in change["b"])
        if self.empty:
            lines.append("no differences")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def record_diff(first: Trial, second: Trial, *, all: bool = False) -> RecordDiff:
    """Compare the PROV records of two trials (at least one of them held as a stored graph). Callers that
    do not know how the trials are held use :func:`provbridge.translate.representation.compare`."""
    a, b = records(first), records(second)
    result = RecordDiff(first.id, second.id, first.label, second.label, all=all)
    result.only_a = sorted(a[key][0] for key in a.keys() - b.keys())
    result.only_b = sorted(b[key][0] for key in b.keys() - a.keys())
    for key in sorted(a.keys() & b.keys(), key=lambda k: a[k][0]):
        (text, attrs_a), (_, attrs_b) = a[key], b[key]
        if attrs_a == attrs_b:
            result.same += 1
            continue
        result.changed.append({"record": text,
                               "a": sorted(attrs_a[k] for k in attrs_a.keys() - attrs_b.keys()),
                               "b": sorted(attrs_b[k] for k in attrs_b.keys() - attrs_a.keys())})
    return result


def records(trial: Trial) -> Records:
    """The records of a trial's bundle keyed independently of prefixes: elements and identified relations by
    type and identifier, other relations by type and formal arguments."""
    from prov.constants import PROV_N_MAP

    document = to_prov(trial)
    found: Records = {}
    for bundle in document.bundles:
        for record in bundle.get_records():
            kind = PROV_N_MAP.get(record.get_type(), str(record.get_type()))
            formal = [(name, value) for name, value in record.formal_attributes]
            extra = list(record.extra_attributes)
            if record.is_element() or record.identifier is not None:
                key = f"{kind}({_key(record.identifier)})"
                text = f"{kind}({record.identifier})"
                attrs = [(n, v) for n, v in formal[1:] if v is not None] + extra
            else:
                key = f"{kind}({', '.join(_key(v) for _, v in formal)})"
                text = f"{kind}({', '.join('-' if v is None else str(v) for _, v in formal)})"
                attrs = extra
            entry = found.setdefault(key, (text, {}))
            for name, value in attrs:
                entry[1][f"{_key(name)}={_key(value)}"] = f"{name}={value}"
    return found


def _key(value: Any) -> str:
    if value is None:
        return "-"
    uri = getattr(value, "uri", None)
    return f"<{uri}>" if uri else repr(value) if not isinstance(value, str) else value

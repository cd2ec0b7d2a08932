"""The diff of two trials at least one of which is held as a stored graph (provbridge.translate.representation):
their PROV records, compared through the ``prov`` package's model, as the ``records`` section of a TrialDiff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.export import to_prov
from provbridge.manage.diff import TrialDiff, section_tables

if TYPE_CHECKING:
    from provbridge.store.store import Trial

# record key (IRIs) -> (display text, {attribute key (IRIs) -> display text})
Records = dict[str, tuple[str, dict[str, str]]]


def record_diff(first: Trial, second: Trial, *, all: bool = False) -> TrialDiff:
    """Compare the PROV records of two trials (at least one of them held as a stored graph): one row per
    record, ``removed`` (only in ``first``), ``added`` (only in ``second``), ``changed`` (``a`` and ``b``
    list the attributes only in that trial's record) or, with ``all``, ``same``. Callers that do not know
    how the trials are held use :func:`provbridge.translate.representation.compare`."""
    a, b = records(first), records(second)
    rows: list[dict[str, Any]] = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: (a.get(k) or b[k])[0]):
        if key not in b:
            rows.append({"record": a[key][0], "a": None, "b": None, "status": "removed"})
        elif key not in a:
            rows.append({"record": b[key][0], "a": None, "b": None, "status": "added"})
        else:
            (text, attrs_a), (_, attrs_b) = a[key], b[key]
            only_a = sorted(attrs_a[k] for k in attrs_a.keys() - attrs_b.keys())
            only_b = sorted(attrs_b[k] for k in attrs_b.keys() - attrs_a.keys())
            changed = attrs_a.keys() != attrs_b.keys()
            rows.append({"record": text, "a": "; ".join(only_a) or None, "b": "; ".join(only_b) or None,
                         "status": "changed" if changed else "same"})
    return TrialDiff(first.id, second.id, first.label, second.label, code="", operations="", all=all,
                     **section_tables({"records": rows}, all))
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

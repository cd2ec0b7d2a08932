"""Streaming translation of one stored trial into PROV records, read with SQL cursors (DESIGN §5)."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from hashlib import sha256
from typing import TYPE_CHECKING

from provbridge.store.model import parse_time
from provbridge.translate.iris import escape, file_iri, trial_namespace
from provbridge.translate.records import Element, Iri, QName, Record, Relation, Value
from provbridge.translate.values import clean_text, posix_time, scalar

if TYPE_CHECKING:
    from provbridge.store.store import Trial

EXECUTION_CLASSES = {
    "module": "pb:ModuleExecution",
    "cell": "pb:CellExecution",
    "statement": "pb:StatementExecution",
    "call": "pb:FunctionCall",
}
CODE_CLASSES = {"script": "pb:Script", "module": "pb:Module", "cell": "pb:Cell"}
# The attributes of a trial's activity that can change once it has ended (rename, note, trial tags and the
# pb:repeatOf that a repeat-of tag gives).
ANNOTATIONS = ("prov:label", "pb:name", "pb:note", "pb:tag", "pb:repeatOf")
MODULE_SCOPE = "<module>"
# A file content: one entity per sha256, the same IRI in every bundle (pb:sha256-<hex>), that each file
# version with this hash specialises, so that lineage follows a file from the trial that wrote it to the
# trials that read it. In the pb: namespace, every format can name it (a bare hex digest is no XML QName).
CONTENT_PREFIX = "pb:sha256-"
_DIGEST = re.compile(r"[0-9a-f]{64}")
# The trial tag `provbridge repeat` gives a re-run (manage.repeat.REPEAT_TAG), naming the repeated trial's UUID;
# the re-run's activity also gets pb:repeatOf <that trial's activity IRI>.
REPEAT_OF = "repeat-of="
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# Entries of the caches of values that recur row after row (statement texts; a variable's name, scope and
# type): a cache starts over when full, so memory stays flat.
RECURRING = 4096

Attrs = list[tuple[str, Value]]
TagIndex = dict[tuple[str, str], list[str]]


class TrialTranslation:
    """The PROV records of one trial, in its own namespace ``prefix`` -> ``namespace``.

    :meth:`records` is a generator over SQL cursors: it holds one row at a time, plus small indexes
    (tags, code plans, the last execution of each parent, the file reads)."""

    representation = "records"  # how the trial is held (provbridge.translate.representation)
    prov_records = True  # its records are PROV elements and relations (not a stored graph's statements)

    def __init__(self, trial: Trial, *, prefix: str, base: str | None = None) -> None:
        self.trial = trial
        self.prefix = prefix
        self.base = base
        self.namespace = trial_namespace(trial.uuid, base)
        self.p = prefix + ":"
        self.trial_id = self.p + "trial"
        self.bundle_id = self.p + "bundle"
        self.user_id = self.p + "user"
        self.provbridge_id = self.p + "provbridge"
        self.python_id = self.p + "python"
        self._plans: dict[int, str] = {}
        self._file_reads: set[tuple[int, int]] = set()
        self._revisions: set[tuple[int, int]] = set()
        self._contents: set[str] = set()

    @property
    def bundle_iri(self) -> str:
        """The bundle's IRI: the trial's named graph (translate.iris.graph_iri with this part's base)."""
        return self.namespace + "bundle"

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes this part's records use beyond the vocabulary's: its own namespace."""
        return {self.prefix: self.namespace}

    # -- identifiers ----------------------------------------------------------------------------------
    def execution_id(self, exec_id: int) -> str:
        return f"{self.p}e{exec_id}"

    def version_id(self, version_id: int) -> str:
        return f"{self.p}v{version_id}"

    def variable_id(self, scope: str, name: str) -> str:
        if scope == MODULE_SCOPE:
            return f"{self.p}var-{escape(name)}"
        return f"{self.p}var-{escape(scope)}-{escape(name)}"

    def _location(self, path: str) -> Iri:
        """The ``file:`` IRI of a recorded path (relative paths are taken from the trial's directory)."""
        if not os.path.isabs(path):
            path = os.path.join(self.trial.cwd or "/", path)
        return Iri(file_iri(path))

    def iri(self, qname: str) -> str:
        """The absolute IRI of one of this trial's ``prefix:local`` identifiers."""
        return self.namespace + qname[len(self.p):]

    # -- records --------------------------------------------------------------------------------------
    def document_records(self, *, merged: bool = False) -> Iterator[Record]:
        """Records outside the trial's bundle: the bundle itself, as an entity (also in a merged graph)."""
        yield Element("entity", self.bundle_id, (("prov:type", QName("prov:Bundle")),
                                                  ("prov:label", f"trial {self.trial.uuid}")))

    def records(self) -> Iterator[Record]:
        """Every record of the trial's bundle, lazily."""
        tags = self._tags()
        yield from self._trial_records(tags)
        yield from self._code_records(tags)
        yield from self._environment_records()
        yield from self._execution_records(tags)
        yield from self._variable_records(tags)
        yield from self._version_records()
        yield from self._file_records()
        yield from self._derivation_records()
        yield from self._usage_records()
        yield from self._artifact_records()

    def _tags(self) -> TagIndex:
        index: TagIndex = {}
        for kind, subject, name, value in self.trial.conn.execute(
            "SELECT subject_kind, subject, name, value FROM tags WHERE trial_id = ? ORDER BY 1, 2, 3, 4",
            (self.trial.id,),
        ):
            text = clean_text(f"{name}={value}" if value else name)
            index.setdefault((kind, "" if kind == "trial" else subject), []).append(text)
        return index

    def trial_element(self, tags: TagIndex | None = None) -> Element:
        """The trial's own activity record (its times, status, command, name, note and trial tags)."""
        t = self.trial
        tags = self._tags() if tags is None else tags
        attrs: Attrs = [("prov:type", QName("pb:Trial"))]
        if t.started_at:
            attrs.append(("prov:startTime", t.started_at))
        if t.ended_at:
            attrs.append(("prov:endTime", t.ended_at))
        attrs += [
            ("prov:label", clean_text(t.label)),
            ("pb:status", t.status),
            ("pb:uuid", t.uuid),
            ("pb:trialKind", t.kind),
            ("pb:command", clean_text(json.dumps(t.command, ensure_ascii=False))),
            ("pb:granularity", int(t.granularity)),
        ]
        optional: list[tuple[str, object]] = [
            ("pb:name", t.name), ("pb:main", t.main), ("pb:cwd", t.cwd), ("pb:hostname", t.hostname),
            ("pb:exitCode", t.exit_code), ("pb:exception", t.exception), ("pb:note", t.note),
        ]
        for key, value in optional:
            if value is not None:
                attrs.append((key, value if isinstance(value, int) else clean_text(str(value))))
        trial_tags = tags.get(("trial", ""), ())
        attrs += [("pb:tag", tag) for tag in trial_tags]
        attrs += [("pb:repeatOf", Iri(trial_namespace(tag[len(REPEAT_OF):], self.base) + "trial"))
                  for tag in trial_tags if tag.startswith(REPEAT_OF) and _UUID.fullmatch(tag[len(REPEAT_OF):])]
        return Element("activity", self.trial_id, tuple(attrs))

    def _trial_records(self, tags: TagIndex) -> Iterator[Record]:
        t = self.trial
        yield self.trial_element(tags)
        yield Element("agent", self.user_id, (
            ("prov:type", QName("prov:Person")), ("prov:label", clean_text(t.user or "unknown")),
        ))
        yield Element("agent", self.provbridge_id, (
            ("prov:type", QName("prov:SoftwareAgent")), ("prov:label", "provbridge"),
            ("pb:version", t.provbridge_version),
        ))
        yield Element("agent", self.python_id, (
            ("prov:type", QName("prov:SoftwareAgent")), ("prov:label", "Python"),
            ("pb:version", t.python_version),
        ))
        yield Relation("wasAssociatedWith", self.trial_id, self.user_id)
        yield Relation("wasAssociatedWith", self.trial_id, self.provbridge_id)
        yield Relation("actedOnBehalfOf", self.provbridge_id, self.user_id)

    def _code_records(self, tags: TagIndex) -> Iterator[Record]:
        t = self.trial
        cell_tags: dict[int, list[str]] = {}
        for code_id, cell_id, exec_count in t.conn.execute(
            "SELECT DISTINCT code_id, cell_id, exec_count FROM executions "
            "WHERE trial_id = ? AND kind = 'cell' AND code_id IS NOT NULL",
            (t.id,),
        ):
            for subject in (cell_id, None if exec_count is None else str(exec_count)):
                if subject is not None:
                    cell_tags.setdefault(code_id, []).extend(tags.get(("cell", subject), ()))
        rows = t.conn.execute(
            "SELECT id, sha256, kind, path FROM code WHERE id = ? OR id IN "
            "(SELECT DISTINCT code_id FROM executions WHERE trial_id = ? AND code_id IS NOT NULL) ORDER BY id",
            (t.main_code_id, t.id),
        ).fetchall()
        for code_id, digest, kind, path in rows:
            key = sha256(f"{kind}\0{path}\0{digest}".encode()).hexdigest()[:16]
            plan = self._plans[code_id] = f"{self.p}plan-{key}"
            cls = "pb:Notebook" if code_id == t.main_code_id and t.kind == "notebook" else CODE_CLASSES.get(
                kind, "pb:Script")
            attrs: Attrs = [("prov:type", QName("prov:Plan")), ("prov:type", QName(cls)), ("pb:sha256", digest)]
            if path:
                attrs += [("prov:label", clean_text(os.path.basename(path) or path)), ("pb:path", clean_text(path))]
                if os.path.isabs(path):
                    attrs.append(("prov:location", self._location(path)))
            else:
                attrs.append(("prov:label", kind))
            attrs += [("pb:tag", tag) for tag in dict.fromkeys(cell_tags.get(code_id, ()))]
            yield Element("entity", plan, tuple(attrs))
        if t.main_code_id in self._plans:
            yield Relation("wasAssociatedWith", self.trial_id, self.python_id, id=f"{self.p}assoc-python",
                           secondary=self._plans[t.main_code_id])
        else:
            yield Relation("wasAssociatedWith", self.trial_id, self.python_id)

    def _environment_records(self) -> Iterator[Record]:
        env_id = self.p + "environment"
        first = True
        for kind, name, value in self.trial.conn.execute(
            "SELECT kind, name, value FROM environment WHERE trial_id = ? ORDER BY kind, name", (self.trial.id,)
        ):
            if first:
                first = False
                yield Element("entity", env_id, (
                    ("prov:type", QName("prov:Collection")), ("prov:type", QName("pb:Environment")),
                    ("prov:label", "environment"),
                ))
                yield Relation("used", self.trial_id, env_id)
            entry = f"{self.p}env-{escape(kind)}-{escape(name)}"
            attrs: Attrs = [("prov:type", QName("pb:EnvironmentEntry")), ("pb:envKind", kind),
                            ("pb:name", clean_text(name))]
            if value is not None:
                attrs.append(("prov:value", clean_text(str(value))))
            yield Element("entity", entry, tuple(attrs))
            yield Relation("hadMember", env_id, entry)

    def _execution_records(self, tags: TagIndex) -> Iterator[Record]:
        t = self.trial
        p = self.p
        partof = ("pb:partOf", QName(self.trial_id))
        last_child: dict[int | None, int] = {}
        blocks: set[int] = set()  # module and cell executions: their children are the top-level operations
        steps = StepIndex()
        plans = self._plans
        labels: dict[str, tuple[str, str]] = {}  # statement texts recur on every execution of a statement
        statement_class = ("prov:type", QName("pb:StatementExecution"))
        for (exec_id, parent, kind, code_id, name, started, ended, count, status, exec_count, cell_id,
             lineno, text) in t.conn.execute(
            "SELECT e.id, e.parent, e.kind, e.code_id, e.name, e.started_at, e.ended_at, e.count, e.status, "
            "e.exec_count, e.cell_id, s.lineno, s.text FROM executions e "
            "LEFT JOIN statements s ON s.id = e.stmt_id WHERE e.trial_id = ? ORDER BY e.id",
            (t.id,),
        ):
            ident = f"{p}e{exec_id}"
            attrs: Attrs = [statement_class if kind == "statement" else
                            ("prov:type", QName(EXECUTION_CLASSES.get(kind, "pb:StatementExecution")))]
            if started is not None:
                attrs.append(("prov:startTime", posix_time(started)))  # type: ignore[arg-type]
            if ended is not None:
                attrs.append(("prov:endTime", posix_time(ended)))  # type: ignore[arg-type]
            raw = text if text is not None else name
            labelled = labels.get(raw)
            if labelled is None:
                if len(labels) >= RECURRING:
                    labels.clear()
                labelled = labels[raw] = ("prov:label", clean_text(raw))
            label = labelled[1]
            attrs.append(labelled)
            attrs.append(partof)
            if parent is not None:
                attrs.append(("pb:parentExecution", QName(f"{p}e{parent}")))
            previous = last_child.get(parent)
            if previous is not None:  # statement order: not a PROV influence (no prov:wasInformedBy)
                attrs.append(("pb:previousExecution", QName(f"{p}e{previous}")))
            if kind != "statement":
                attrs.append(("pb:name", clean_text(name)))
            if lineno is not None:
                attrs.append(("pb:line", lineno))
            if count != 1:
                attrs.append(("pb:count", count))
            if status is not None:
                attrs.append(("pb:status", status))
            if exec_count is not None:
                attrs.append(("pb:executionCount", exec_count))
            if cell_id is not None:
                attrs.append(("pb:cellId", clean_text(cell_id)))
            if tags:
                found = list(tags.get(("execution", str(exec_id)), ()))
                if kind == "cell":
                    for subject in (cell_id, None if exec_count is None else str(exec_count)):
                        if subject is not None:
                            found += tags.get(("cell", subject), ())
                attrs += [("pb:tag", tag) for tag in dict.fromkeys(found)]
            yield tuple.__new__(Element, ("activity", ident, tuple(attrs)))
            last_child[parent] = exec_id
            if parent in blocks:
                steps.add(parent, label, lineno)
            if kind in ("module", "cell"):
                blocks.add(exec_id)
                if code_id in plans:
                    yield Relation("wasAssociatedWith", ident, self.python_id, id=f"{p}assoc-e{exec_id}",
                                   secondary=plans[code_id])
        yield from steps.records(p, self.trial_id)

    def _variable_records(self, tags: TagIndex) -> Iterator[Record]:
        by_name: dict[str, list[str]] = {}
        for (kind, subject), values in tags.items():
            if kind == "variable":
                by_name[subject] = values
        for scope, name, final in self.trial.conn.execute(
            "SELECT scope, name, max(id) FROM versions WHERE trial_id = ? AND kind != 'file' "
            "GROUP BY scope, name ORDER BY min(id)",
            (self.trial.id,),
        ):
            attrs: Attrs = [("prov:type", QName("pb:Variable")), ("pb:name", clean_text(name)),
                            ("pb:scope", clean_text(scope)), ("pb:finalVersion", QName(self.version_id(final)))]
            attrs += [("pb:tag", tag) for tag in by_name.get(name, ())]
            yield Element("entity", self.variable_id(scope, name), tuple(attrs))

    def _version_records(self) -> Iterator[Record]:
        p = self.p
        # (scope, name, binding, type) -> the attributes every such version starts with, and its variable
        heads: dict[tuple[str, str, str, str], tuple[tuple[tuple[str, Value], ...], str]] = {}
        new = tuple.__new__  # records built without a Python-level __new__ call per row
        vv = ("prov:type", QName("pb:VariableVersion"))
        fv = ("prov:type", QName("pb:FileVersion"))
        for (vid, name, scope, kind, exec_id, type_name, value, text, summary, count, written_at) in \
                self.trial.conn.execute(
            "SELECT v.id, v.name, v.scope, v.kind, v.exec_id, v.type, v.value, v.repr, v.summary, v.count, "
            "CASE WHEN v.kind = 'file' THEN (SELECT min(f.at) FROM file_accesses f "
            "WHERE f.trial_id = v.trial_id AND f.write_version = v.id) END "
            "FROM versions v WHERE v.trial_id = ? ORDER BY v.id",
            (self.trial.id,),
        ):
            ident = f"{p}v{vid}"
            if kind == "file":
                attrs: Attrs = [fv, ("pb:path", clean_text(name)), ("prov:location", self._location(name))]
                if value is not None:
                    attrs.append(("pb:sha256", str(value)))
                if count != 1:
                    attrs.append(("pb:count", count))
                yield Element("entity", ident, tuple(attrs))
                if value is not None:
                    yield from self._content_records(ident, str(value))
                if exec_id is not None:
                    if written_at is not None:
                        yield Relation("wasGeneratedBy", ident, f"{p}e{exec_id}", id=f"{p}gen-v{vid}",
                                       time=posix_time(written_at))
                    else:
                        yield Relation("wasGeneratedBy", ident, f"{p}e{exec_id}")
                continue
            head = heads.get((scope, name, kind, type_name))
            if head is None:
                if len(heads) >= RECURRING:
                    heads.clear()
                head = heads[scope, name, kind, type_name] = (
                    (vv, ("pb:name", clean_text(name)), ("pb:scope", clean_text(scope)), ("pb:binding", kind),
                     ("pb:valueType", clean_text(type_name))),
                    self.variable_id(scope, name))
            known = type(value)
            exact = value if (known is float or known is int) and type_name != "bool" else scalar(type_name, value)
            if exact is not None:
                attrs = [("prov:value", exact)]
            elif text is not None:
                attrs = [("pb:repr", clean_text(text))]
            else:
                attrs = []
            if summary:
                attrs.append(("pb:summary", clean_text(summary)))
            if count != 1:
                attrs.append(("pb:count", count))
            yield new(Element, ("entity", ident, head[0] + tuple(attrs)))
            yield new(Relation, ("specializationOf", ident, head[1], None, None, None, ()))
            if exec_id is not None:
                yield new(Relation, ("wasGeneratedBy", ident, f"{p}e{exec_id}", None, None, None, ()))

    def _file_records(self) -> Iterator[Record]:
        p = self.p
        for (access, exec_id, path, mode, before, size_before, after, _size_after, read_version,
             write_version, at, previous) in self.trial.conn.execute(
            "SELECT f.id, f.exec_id, f.path, f.mode, f.sha256_before, f.size_before, f.sha256_after, "
            "f.size_after, f.read_version, f.write_version, f.at, (SELECT max(v.id) FROM versions v "
            "WHERE v.trial_id = f.trial_id AND v.kind = 'file' AND v.name = f.path "
            "AND v.value = f.sha256_before AND v.id < f.write_version) "
            "FROM file_accesses f WHERE f.trial_id = ? ORDER BY f.id",
            (self.trial.id,),
        ):
            if read_version is not None and exec_id is not None:
                self._file_reads.add((exec_id, read_version))
                yield Relation("used", f"{p}e{exec_id}", f"{p}v{read_version}", id=f"{p}use-f{access}",
                               time=posix_time(at), attrs=(("pb:mode", clean_text(mode)),))
            # a truncating write (w, x) does not revise the content it replaced
            if write_version is None or not before or before == after or mode[:1] in ("w", "x"):
                continue
            if previous is None:
                previous_id = f"{p}f{access}-before"
                attrs: Attrs = [("prov:type", QName("pb:FileVersion")), ("pb:path", clean_text(path)),
                                ("prov:location", self._location(path)), ("pb:sha256", before)]
                if size_before is not None:
                    attrs.append(("pb:size", size_before))
                yield Element("entity", previous_id, tuple(attrs))
                yield from self._content_records(previous_id, before)
            else:
                if (write_version, previous) in self._revisions:
                    continue
                self._revisions.add((write_version, previous))
                previous_id = f"{p}v{previous}"
            yield Relation("wasRevisionOf", f"{p}v{write_version}", previous_id)

    def _content_records(self, ident: str, digest: str) -> Iterator[Record]:
        """The content node of ``digest`` (once per trial) and the file version ``ident`` specialising it."""
        if not _DIGEST.fullmatch(digest):
            return
        content = CONTENT_PREFIX + digest
        if digest not in self._contents:
            self._contents.add(digest)
            yield Element("entity", content, (("pb:sha256", digest),))
        yield Relation("specializationOf", ident, content)

    def _derivation_records(self) -> Iterator[Record]:
        p = self.p
        new = tuple.__new__
        revisions = self._revisions
        for vid, source in self.trial.conn.execute(
            "SELECT id, source FROM derivations WHERE trial_id = ? ORDER BY id, source", (self.trial.id,)
        ):
            if revisions and (vid, source) in revisions:
                continue
            yield new(Relation, ("wasDerivedFrom", f"{p}v{vid}", f"{p}v{source}", None, None, None, ()))

    def _usage_records(self) -> Iterator[Record]:
        p = self.p
        new = tuple.__new__
        reads = self._file_reads
        for exec_id, vid in self.trial.conn.execute(
            "SELECT exec_id, version_id FROM usages WHERE trial_id = ? ORDER BY exec_id, version_id",
            (self.trial.id,),
        ):
            if reads and (exec_id, vid) in reads:
                continue
            yield new(Relation, ("used", f"{p}e{exec_id}", f"{p}v{vid}", None, None, None, ()))

    def _artifact_records(self) -> Iterator[Record]:
        p = self.p
        for name, version, digest, type_name, size, created in self.trial.conn.execute(
            "SELECT name, version_id, sha256, type, size, created_at FROM artifacts WHERE trial_id = ? "
            "ORDER BY name",
            (self.trial.id,),
        ):
            ident = f"{p}artifact-{escape(name)}"
            yield Element("entity", ident, (
                ("prov:type", QName("pb:Artifact")), ("prov:label", clean_text(name)),
                ("pb:name", clean_text(name)), ("pb:sha256", digest), ("pb:valueType", clean_text(type_name)),
                ("pb:size", size),
            ))
            yield Relation("wasAttributedTo", ident, self.provbridge_id)
            when = _parse_iso(created)
            yield Relation("wasGeneratedBy", ident, self.trial_id, id=f"{p}gen-{ident[len(p):]}", time=when)
            if version is not None:
                yield Relation("alternateOf", ident, f"{p}v{version}")


class StepIndex:
    """The trial's order of operations as its distinct steps: each (previous operation, operation) pair of
    consecutive top-level operations of one block (a script's or a cell's statements, a session's cells),
    with its smallest line and how often it occurs. Comparing two trials' steps tells where their sequences
    of operations differ while visiting a few nodes per distinct statement instead of every execution."""

    def __init__(self) -> None:
        self.last: dict[int, str] = {}  # block execution -> label of its latest operation
        self.lines: dict[tuple[str | None, str], int | None] = {}  # step -> its smallest line
        self.counts: Counter[tuple[str | None, str]] = Counter()

    def add(self, block: int, label: str, line: int | None) -> None:
        key = (self.last.get(block), label)
        self.last[block] = label
        self.counts[key] += 1
        if key not in self.lines:
            self.lines[key] = line
            return
        known = self.lines[key]
        if line is not None and (known is None or line < known):
            self.lines[key] = line

    def records(self, p: str, trial_id: str) -> Iterator[Record]:
        """One pb:OperationStep entity per distinct step, numbered in order of first occurrence."""
        for number, ((previous, operation), line) in enumerate(self.lines.items(), 1):
            attrs: Attrs = [("prov:type", QName("pb:OperationStep")), ("pb:operation", operation)]
            if previous is not None:
                attrs.append(("pb:previousOperation", previous))
            if line is not None:
                attrs.append(("pb:operationLine", line))
            attrs += [("pb:count", self.counts[previous, operation]), ("pb:stepOf", QName(trial_id))]
            yield Element("entity", f"{p}step-{number}", tuple(attrs))


def _parse_iso(text: str | None) -> datetime | None:
    try:
        return parse_time(text)
    except ValueError:
        return None

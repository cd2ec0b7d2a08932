"""A trial as a Workflow Run RO-Crate (Process Run Crate profile): its PROV graph, code, inputs and outputs by hash."""

from __future__ import annotations

import io
import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.extras import require
from provbridge.translate.iris import file_iri, trial_namespace

if TYPE_CHECKING:
    from provbridge.store.store import Trial

RO_CRATE_VERSION = "1.1"  # the version the Process Run Crate 0.5 profile builds on
PROCESS_RUN_CRATE = formats.PROCESS_RUN_CRATE
PROV_FILES = ("json", "ttl")  # the crate's PROV graphs: PROV-JSON and PROV-O (their names in provbridge.formats)
_STATUS = {"finished": "http://schema.org/CompletedActionStatus", "failed": "http://schema.org/FailedActionStatus"}
PYTHON_RELEASE = "https://www.python.org/downloads/release/python-{digits}/"
PROVBRIDGE_RELEASE = "https://pypi.org/project/provbridge/{version}/"


@dataclass
class CrateFile:
    """A file version of the trial: where it goes in the crate, its recorded hash, and its current path
    when that still holds exactly this content (else the crate describes it by hash only)."""

    path: str  # absolute path the trial used
    sha256: str
    size: int | None
    crate_path: str
    present: bool


def _sha256(path: str) -> str | None:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _crate_path(path: str, cwd: str | None, folder: str) -> str:
    """Where a file goes in the crate: its path relative to the trial's working directory, else under
    ``folder/`` by name."""
    if cwd and path.startswith(cwd.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(path, cwd)).as_posix()
    return f"{folder}/{os.path.basename(path)}"


def trial_files(trial: Trial) -> tuple[list[CrateFile], list[CrateFile]]:
    """The trial's inputs (files read before it wrote them, outside the Python installation) and outputs
    (the final content of files it wrote), in first-access order."""
    recorded = trial.environment().get("python", {}).get("prefix")
    import sys

    prefixes = tuple(p.rstrip(os.sep) + os.sep for p in {recorded, sys.prefix, sys.base_prefix} if p)
    inputs: dict[str, CrateFile] = {}
    outputs: dict[str, CrateFile] = {}
    seen: set[str] = set()
    for access in trial.file_accesses():
        if access.path.startswith(prefixes):
            continue
        first = access.path not in seen
        seen.add(access.path)
        reads = not access.is_write or any(c in access.mode for c in "+a")
        if first and reads and access.sha256_before:
            inputs[access.path] = CrateFile(access.path, access.sha256_before, access.size_before,
                                            _crate_path(access.path, trial.cwd, "inputs"), False)
        if access.is_write and access.sha256_after:
            outputs[access.path] = CrateFile(access.path, access.sha256_after, access.size_after,
                                             _crate_path(access.path, trial.cwd, "outputs"), False)
    for item in [*inputs.values(), *outputs.values()]:
        item.present = _sha256(item.path) == item.sha256
    for path, item in inputs.items():  # a file rewritten by the trial: only its final content can be shipped
        if path in outputs:
            item.present = False
    return list(inputs.values()), list(outputs.values())


def write_crate(trial: Trial, directory: str | os.PathLike[str], *, base: str | None = None) -> Path:
    """Write ``trial`` as a Process Run Crate into ``directory`` (created; an existing non-empty directory
    must already be an RO-Crate, whose content is replaced). Returns the directory."""
    rocrate_module = require("rocrate.rocrate", "RO-Crate export")
    model = require("rocrate.model", "RO-Crate export")
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise FormatError(f"{directory} is a file; an RO-Crate is written into a directory")
    if target.is_dir() and any(target.iterdir()) and not (target / "ro-crate-metadata.json").is_file():
        raise FormatError(f"{directory} is not empty and not an RO-Crate; give a new or empty directory")
    crate = rocrate_module.ROCrate(version=RO_CRATE_VERSION)
    _describe(crate, model, trial, base)
    staging = Path(tempfile.mkdtemp(prefix=".ro-crate.", dir=target.parent if target.parent.exists() else None))
    try:
        crate.write(staging)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _describe(crate: Any, model: Any, trial: Trial, base: str | None) -> None:
    """Fill ``crate`` with the entities of ``trial``."""
    from provbridge.export import export_bytes

    ContextEntity = model.ContextEntity
    namespace = trial_namespace(trial.uuid, base)
    crate.name = f"provbridge trial {trial.id}: {trial.label}"
    crate.description = (f"A {trial.kind} run recorded by provbridge {trial.provbridge_version} (trial "
                         f"{trial.uuid}, status {trial.status}), with its W3C PROV graph.")
    if trial.started_at:
        crate.root_dataset["datePublished"] = (trial.ended_at or trial.started_at).isoformat()
    crate.root_dataset["license"] = crate.add(ContextEntity(crate, "#license", properties={
        "@type": "CreativeWork", "name": "No license granted by provbridge",
        "description": "provbridge chooses no license for a recorded run: its code and data files keep the terms "
                       "of their owners."}))
    crate.add(ContextEntity(crate, PROCESS_RUN_CRATE, properties={
        "@type": "CreativeWork", "name": "Process Run Crate", "version": "0.5"}))
    crate.root_dataset["conformsTo"] = {"@id": PROCESS_RUN_CRATE}

    digits = "".join(c for c in trial.python_version if c.isdigit())
    python = crate.add(ContextEntity(crate, PYTHON_RELEASE.format(digits=digits), properties={
        "@type": "SoftwareApplication", "name": "Python", "softwareVersion": trial.python_version,
        "url": "https://www.python.org/"}))
    language = crate.add(ContextEntity(crate, "#python-language", properties={
        "@type": "ComputerLanguage", "name": "Python", "version": trial.python_version,
        "url": {"@id": "https://www.python.org/"}}))
    recorder = crate.add(ContextEntity(crate, PROVBRIDGE_RELEASE.format(version=trial.provbridge_version), properties={
        "@type": "SoftwareApplication", "name": "provbridge", "softwareVersion": trial.provbridge_version,
        "url": "https://w3id.org/provbridge/ns"}))
    instruments: list[Any] = [python]
    if trial.main_code_id is not None:
        code = trial.store.code(trial.main_code_id)
        main = trial.main or code.path or "main"
        name = _crate_path(main, trial.cwd, "code") if os.path.isabs(main) else Path(main).name
        source = crate.add_file(io.BytesIO(code.source.encode("utf-8")), dest_path=name, properties={
            "@type": ["File", "SoftwareSourceCode"], "name": Path(name).name,
            "programmingLanguage": language, "sha256": code.sha256, "version": code.sha256[:12],
            "url": file_iri(main) if os.path.isabs(main) else main,
            "encodingFormat": "application/x-ipynb+json" if trial.kind == "notebook" else "text/x-python",
            "contentSize": str(len(code.source.encode("utf-8")))})
        instruments.insert(0, source)

    inputs, outputs = trial_files(trial)
    objects = [_file_entity(crate, ContextEntity, item) for item in inputs]
    results = [_file_entity(crate, ContextEntity, item) for item in outputs]
    properties: dict[str, Any] = {
        "@type": "CreateAction", "name": f"Run of {trial.label} (trial {trial.id})",
        "description": " ".join(trial.command), "identifier": trial.uuid,
        "sameAs": {"@id": namespace + "trial"},
    }
    if trial.started_at:
        properties["startTime"] = iso_time(trial.started_at)
    if trial.ended_at:
        properties["endTime"] = iso_time(trial.ended_at)
    if trial.status in _STATUS:
        properties["actionStatus"] = _STATUS[trial.status]
    if trial.exception:
        properties["error"] = trial.exception
    if trial.user:
        properties["agent"] = crate.add(ContextEntity(crate, f"#person-{trial.user}", properties={
            "@type": "Person", "name": trial.user}))
        crate.root_dataset["author"] = properties["agent"]
    action = crate.add_action(_single(instruments), identifier=f"#trial-{trial.uuid}", properties=properties)
    if objects:
        action["object"] = _single(objects)
    if results:
        action["result"] = _single(results)
    crate.root_dataset["mentions"] = action
    for name in PROV_FILES:
        graph = formats.find(name, use="write", streams=True)
        crate.add_file(io.BytesIO(export_bytes(trial, graph.name, base=base)), dest_path=f"prov{graph.extensions[0]}",
                       properties={"name": f"W3C PROV graph of the run ({graph.title})",
                                   "encodingFormat": graph.media_type, "about": {"@id": action.id},
                                   "author": {"@id": recorder.id}, "conformsTo": {"@id": graph.specification}})


def _single(items: list[Any]) -> Any:
    """One value as itself, several as a list (RO-Crate prefers no singleton arrays)."""
    return items[0] if len(items) == 1 else items


def iso_time(moment: datetime) -> str:
    """ISO 8601 with milliseconds and a numeric UTC offset (the form Process Run Crate checks)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _file_entity(crate: Any, context_entity: Any, item: CrateFile) -> Any:
    """A File data entity for a file version present with its recorded content, else a contextual
    entity naming it by its content hash (``urn:sha256:...``)."""
    media_type = mimetypes.guess_type(item.path)[0] or "application/octet-stream"
    properties = {"name": os.path.basename(item.path), "sha256": item.sha256,
                  "alternateName": item.crate_path, "encodingFormat": media_type}
    if item.size is not None:
        properties["contentSize"] = str(item.size)
    if item.present:
        return crate.add_file(item.path, dest_path=item.crate_path, properties=properties)
    properties["@type"] = "File"
    properties["description"] = "not included: the file no longer holds this content"
    entity = crate.add(context_entity(crate, f"urn:sha256:{item.sha256}", properties=properties))
    crate.root_dataset.append_to("hasPart", entity)  # a data entity named by an absolute URI: still part of the crate
    return entity

"""A three-step pipeline recorded as four trials, for the lineage tests (query, CLI, render).

1. ``prepare.py`` reads raw.csv, writes clean.csv;
2. ``train.py`` reads clean.csv, writes model.json;
3. ``decoy.py`` reads a different content of clean.csv (rewritten by hand) and writes decoy.json;
4. ``evaluate.ipynb`` (run headless by ``provbridge run``), after clean.csv is put back as prepare.py wrote
   it, reads clean.csv and model.json and computes ``metric``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tests.conftest import Project

PREPARE = """
import csv
with open("raw.csv", newline="") as f:
    rows = list(csv.reader(f))
clean = [row for row in rows if row[1] != ""]
with open("clean.csv", "w", newline="") as f:
    csv.writer(f).writerows(clean)
"""
TRAIN = """
import csv
import json
with open("clean.csv", newline="") as f:
    rows = list(csv.reader(f))
weight = sum(float(row[1]) for row in rows) / len(rows)
with open("model.json", "w") as f:
    json.dump({"weight": weight}, f)
"""
DECOY = """
with open("clean.csv") as f:
    lines = f.read().splitlines()
with open("decoy.json", "w") as f:
    f.write(str(len(lines)))
"""
# IPython binds `open` in a notebook's namespace to its own wrapper around the unhooked io.open, so the
# notebook reads through pathlib (whose opens provbridge records).
CELLS = [
    "import csv\nimport json\nfrom pathlib import Path\n"
    "rows = list(csv.reader(Path('clean.csv').read_text().splitlines()))\n"
    "model = json.loads(Path('model.json').read_text())",
    "metric = sum(abs(float(row[1]) - model['weight']) for row in rows) / len(rows)\nmetric",
]
TRIALS = {1: "prepare.py", 2: "train.py", 3: "decoy.py", 4: "evaluate.ipynb"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(project: Project) -> dict[str, str]:
    """Record the four trials in ``project``; the content hashes of the files, by name (``clean.csv``
    as prepare.py wrote it, ``rewritten.csv`` the decoy's clean.csv)."""
    project.write("raw.csv", "a,1\nb,\nc,4\n")
    project.write("prepare.py", PREPARE)
    project.write("train.py", TRAIN)
    project.write("decoy.py", DECOY)
    notebook = new_notebook()
    notebook.cells = [new_code_cell(source) for source in CELLS]
    nbformat.write(notebook, str(project.root / "evaluate.ipynb"))
    project.run("run", "-q", "prepare.py")
    project.run("run", "-q", "train.py")
    clean = project.root / "clean.csv"
    original = clean.read_bytes()
    clean.write_text("z,9\n")
    hashes = {"rewritten.csv": sha256(clean)}
    project.run("run", "-q", "decoy.py")
    clean.write_bytes(original)
    project.run("run", "evaluate.ipynb")
    for name in ("raw.csv", "clean.csv", "model.json", "decoy.json"):
        hashes[name] = sha256(project.root / name)
    return hashes

"""Scripts for the repeat tests: a seeded diabetes regression, an unseeded split and unseeded noise."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import Project

DIABETES = """
import json
import sys
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

scale = float(sys.argv[1])
with open("data/offset.txt") as f:
    offset = float(f.read())
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=SEED)
model = LinearRegression()
model.fit(X_train, y_train)
mse = mean_squared_error(y_test, model.predict(X_test)) * scale + offset
with open("metric.json", "w") as f:
    json.dump({"mse": mse}, f)
"""
SEEDED = DIABETES.replace("SEED", "0")
UNSEEDED = DIABETES.replace("SEED", "None")
SPLIT_LINE = 12  # line of the train_test_split statement in DIABETES (after the leading newline is dropped)

NOISE = """
import numpy as np
a = 1
noise = np.random.normal(size=5)
total = a + float(noise.sum())
"""

TINY = """
import random
base = 10.0
value = base * (1 + random.random() * 1e-9)
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def diabetes_project(project: Project, source: str = SEEDED, *args: str) -> Path:
    """Write the script and its input data/offset.txt, run it once under capture (trial 1)."""
    project.write("data/offset.txt", "0.5\n")
    project.write("train.py", source)
    project.run("run", "-q", "train.py", *(args or ("2",)))
    return project.root / "data" / "offset.txt"

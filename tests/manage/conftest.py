"""A small real experiment (Ridge regression on scikit-learn's diabetes data) run several times."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import Project

EXPERIMENT = """
import sys
import provbridge
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

alpha = provbridge.tag("alpha", float(sys.argv[1]), "hyperparameter")
with open("scale.txt") as f:
    scale = float(f.read())
X, y = load_diabetes(return_X_y=True)
X = X * scale
xtrain, xtest, ytrain, ytest = train_test_split(X, y, random_state=0)
model = Ridge(alpha=alpha)
model.fit(xtrain, ytrain)
pred = model.predict(xtest)
mse = provbridge.tag("mse", mean_squared_error(ytest, pred), "metric")
r2 = provbridge.tag("r2", r2_score(ytest, pred), "metric")
provbridge.save_artifact(model, "model")
print(round(mse, 3))
"""
MSE_LINE = 'mse = provbridge.tag("mse", mean_squared_error(ytest, pred), "metric")'
R2_LINE = 'r2 = provbridge.tag("r2", r2_score(ytest, pred), "metric")'
SWAPPED = EXPERIMENT.replace(MSE_LINE, "@@").replace(R2_LINE, MSE_LINE).replace("@@", R2_LINE)
NO_INTERCEPT = EXPERIMENT.replace("Ridge(alpha=alpha)", "Ridge(alpha=alpha, fit_intercept=False)")


def expected_metrics(alpha: float, scale: float = 1.0, fit_intercept: bool = True) -> tuple[float, float]:
    """The experiment's metrics computed directly, without provbridge."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_squared_error, r2_score
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    xtrain, xtest, ytrain, ytest = train_test_split(X * scale, y, random_state=0)
    pred = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(xtrain, ytrain).predict(xtest)
    return mean_squared_error(ytest, pred), r2_score(ytest, pred)


@dataclass
class Experiment:
    """The project and what each trial ran: (alpha, scale, script variant)."""

    project: Project
    runs: list[tuple[float, float, str]]


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Experiment]:
    """Five trials: alpha 0.1 and 1.0; then the mse/r2 lines swapped; then no intercept; then the data
    file (scale.txt) changed."""
    project = Project(tmp_path_factory.mktemp("experiment"))
    project.write("scale.txt", "1.0\n")
    runs = [(0.1, 1.0, "base"), (1.0, 1.0, "base"), (1.0, 1.0, "swapped"), (1.0, 1.0, "no-intercept"),
            (1.0, 2.0, "base")]
    sources = {"base": EXPERIMENT, "swapped": SWAPPED, "no-intercept": NO_INTERCEPT}
    for alpha, scale, variant in runs:
        project.write("scale.txt", f"{scale}\n")
        project.write("exp.py", sources[variant])
        project.run("run", "-q", "exp.py", str(alpha))
    yield Experiment(project, runs)

"""Realistic synthetic trials written with TrialWriter, standing in for captured runs in export tests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from provbridge.store.writer import TrialWriter

T0 = 1_700_000_000.0
WEIRD = 'my var "ü" #1'
DATA = "/tmp/pb data/in put#1.csv"
OUT = "/tmp/pb data/out \"é\".txt"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


SCRIPT = """import numpy as np
x = 3
rate = 0.5
flag = True
text = "héllo"
arr = np.arange(10)
data = open(DATA).read()
def f(a):
    return a * 2
y = f(x)
for i in range(1000): total += i
open(OUT, "a").write(str(total))
x += 1
"""


def script_trial(store_dir: Path) -> str:
    """A finished script trial with every kind of record; returns its UUID."""
    w = TrialWriter(store_dir, kind="script", command=["my script.py", "--lr", "0.5"],
                    main="/tmp/pb data/my script.py", granularity=1, name="train model", interval=60)
    code = w.code_id(sha(SCRIPT), "script", "/tmp/pb data/my script.py", SCRIPT)
    stmts = w.statement_ids(code, [
        (1, 0, 1, 18, "Import", "<module>", "import numpy as np"),
        (2, 0, 2, 5, "Assign", "<module>", "x = 3"),
        (3, 0, 3, 10, "Assign", "<module>", "rate = 0.5"),
        (4, 0, 4, 11, "Assign", "<module>", "flag = True"),
        (5, 0, 5, 14, "Assign", "<module>", 'text = "héllo"'),
        (6, 0, 6, 20, "Assign", "<module>", "arr = np.arange(10)"),
        (7, 0, 7, 24, "Assign", "<module>", "data = open(DATA).read()"),
        (8, 0, 9, 16, "FunctionDef", "<module>", "def f(a):"),
        (9, 4, 9, 16, "Return", "f", "return a * 2"),
        (10, 0, 10, 8, "Assign", "<module>", "y = f(x)"),
        (11, 0, 11, 32, "For", "<module>", "for i in range(1000): total += i"),
        (12, 0, 12, 32, "Expr", "<module>", 'open(OUT, "a").write(str(total))'),
        (13, 0, 13, 6, "AugAssign", "<module>", "x += 1"),
    ])
    w.set_trial(main_code_id=code, note="first \"real\" run")
    s = dict(zip(range(1, 14), stmts))
    w.add_many("executions", [
        # id, parent, kind, stmt_id, code_id, name, started, ended, count, status, exec_count, cell_id
        (1, None, "module", None, code, "<module>", T0, T0 + 5, 1, "ok", None, None),
        (2, 1, "statement", s[1], code, "Import", None, None, 1, None, None, None),
        (3, 1, "statement", s[2], code, "Assign", None, None, 1, None, None, None),
        (4, 1, "statement", s[3], code, "Assign", None, None, 1, None, None, None),
        (5, 1, "statement", s[4], code, "Assign", None, None, 1, None, None, None),
        (6, 1, "statement", s[5], code, "Assign", None, None, 1, None, None, None),
        (7, 1, "statement", s[6], code, "Assign", None, None, 1, None, None, None),
        (8, 1, "statement", s[7], code, "Assign", None, None, 1, None, None, None),
        (9, 1, "statement", s[8], code, "FunctionDef", None, None, 1, None, None, None),
        (10, 1, "statement", s[10], code, "Assign", None, None, 1, None, None, None),
        (11, 10, "call", s[8], code, "f", T0 + 1, T0 + 1.5, 1, "ok", None, None),
        (12, 11, "statement", s[9], code, "Return", None, None, 1, None, None, None),
        (13, 1, "statement", s[11], code, "For", None, None, 1000, None, None, None),
        (14, 1, "statement", s[12], code, "Expr", None, None, 1, None, None, None),
        (15, 1, "statement", s[13], code, "AugAssign", None, None, 1, None, None, None),
    ])
    arr_summary = json.dumps({"shape": [10], "dtype": "int64", "sha256": sha("arr"), "stats": {"min": 0, "max": 9}})
    w.add_many("versions", [
        # id, name, scope, kind, exec_id, type, value, repr, summary, count
        (1, "np", "<module>", "import", 2, "module", None, "<module 'numpy'>", None, 1),
        (2, "x", "<module>", "assign", 3, "int", 3, "3", None, 1),
        (3, "rate", "<module>", "assign", 4, "float", 0.5, "0.5", None, 1),
        (4, "flag", "<module>", "assign", 5, "bool", 1, "True", None, 1),
        (5, "text", "<module>", "assign", 6, "str", "héllo", "'héllo'", None, 1),
        (6, "arr", "<module>", "assign", 7, "numpy.ndarray", None, "array([0, ..., 9])", arr_summary, 1),
        (7, DATA, "file", "file", None, "file", sha("data"), None, None, 1),
        (8, "data", "<module>", "assign", 8, "str", "a,b\n1,2\n", "'a,b\\n1,2\\n'", None, 1),
        (9, "f", "<module>", "def", 9, "function", None, "<function f>", None, 1),
        (10, "a", "f", "param", 11, "int", 3, "3", None, 1),
        (11, "y", "<module>", "assign", 10, "int", 6, "6", None, 1),
        (12, "i", "<module>", "for", 13, "int", 999, "999", None, 1000),
        (13, "total", "<module>", "mutate", 13, "int", 499500, "499500", None, 1000),
        (14, OUT, "file", "file", 14, "file", sha("499500"), None, None, 1),
        (15, "x", "<module>", "mutate", 15, "int", 4, "4", None, 1),
        (16, WEIRD, "<module>", "assign", 15, "int", str(2**70), str(2**70), None, 1),
        (17, "inf", "<module>", "assign", 15, "float", float("inf"), "inf", None, 1),
    ])
    w.add_many("derivations", [
        (8, 7), (10, 2), (11, 10), (11, 9), (13, 12), (14, 13), (15, 2), (16, 15),
    ])
    w.add_many("usages", [
        (7, 1), (8, 7), (10, 2), (10, 9), (11, 2), (13, 12), (14, 13), (15, 2),
    ])
    w.add_many("file_accesses", [
        (1, 8, DATA, "r", sha("data"), 8, None, None, 7, None, T0 + 0.5),
        (2, 14, OUT, "a", sha("old"), 3, sha("499500"), 6, None, 14, T0 + 4),
    ])
    w.add_many("tags", [
        ("trial", "", "stage", "final"),
        ("variable", "rate", "hyperparameter", ""),
        ("variable", "total", "metric", ""),
        ("execution", "7", "stage", "features"),
    ])
    w.add_many("environment", [
        ("python", "version", "3.11.9"),
        ("os", "system", "Linux"),
        ("package", "numpy", "2.0.0"),
        ("package", "scikit-learn", "1.5.0"),
        ("git", "commit", "0123456789abcdef"),
    ])
    w.flush()
    with w.conn:
        w.conn.execute(
            "INSERT INTO artifacts (trial_id, name, version_id, sha256, type, size, created_at) "
            "VALUES (?, 'model', 13, ?, 'int', 10, '2023-11-14T22:13:24+00:00')",
            (w.trial_id, sha("model")),
        )
    w.finish("finished", exit_code=0)
    return w.uuid


NOTEBOOK_CELLS = ["import pandas as pd", "df = pd.DataFrame({'a': [1, 2]})\nn = len(df)"]


def notebook_trial(store_dir: Path) -> str:
    """A notebook session with two cells, cell ids, execution counts and a cell tag."""
    w = TrialWriter(store_dir, kind="notebook", command=["jupyter"], main="/tmp/pb data/analysis.ipynb",
                    granularity=0, interval=60)
    nb = w.code_id(sha("notebook"), "script", "/tmp/pb data/analysis.ipynb", "{}")
    c1 = w.code_id(sha(NOTEBOOK_CELLS[0]), "cell", "", NOTEBOOK_CELLS[0])
    c2 = w.code_id(sha(NOTEBOOK_CELLS[1]), "cell", "", NOTEBOOK_CELLS[1])
    (s1,) = w.statement_ids(c1, [(1, 0, 1, 19, "Import", "<module>", "import pandas as pd")])
    s2, s3 = w.statement_ids(c2, [(1, 0, 1, 30, "Assign", "<module>", "df = pd.DataFrame(...)"),
                                  (2, 0, 2, 11, "Assign", "<module>", "n = len(df)")])
    w.set_trial(main_code_id=nb)
    w.add_many("executions", [
        (1, None, "cell", None, c1, "In [1]", T0 + 10, T0 + 11, 1, "ok", 1, "cell-a"),
        (2, 1, "statement", s1, c1, "Import", None, None, 1, None, None, None),
        (3, None, "cell", None, c2, "In [2]", T0 + 12, T0 + 13, 1, "ok", 2, "cell-b"),
        (4, 3, "statement", s2, c2, "Assign", None, None, 1, None, None, None),
        (5, 3, "statement", s3, c2, "Assign", None, None, 1, None, None, None),
    ])
    df_summary = json.dumps({"shape": [2, 1], "columns": ["a"], "sha256": sha("df")})
    w.add_many("versions", [
        (1, "pd", "<module>", "import", 2, "module", None, "<module 'pandas'>", None, 1),
        (2, "df", "<module>", "assign", 4, "pandas.DataFrame", None, "   a\n0  1\n1  2", df_summary, 1),
        (3, "n", "<module>", "assign", 5, "int", 2, "2", None, 1),
    ])
    w.add_many("derivations", [(2, 1), (3, 2)])
    w.add_many("usages", [(4, 1), (5, 2)])
    w.add_many("tags", [("cell", "cell-b", "stage", "data")])
    w.finish("finished", exit_code=0)
    return w.uuid


def failed_trial(store_dir: Path) -> str:
    """A script that failed with an uncaught exception after two statements."""
    source = "a = 1\nb = a / 0\n"
    w = TrialWriter(store_dir, kind="script", command=["fail.py"], main="/tmp/pb data/fail.py", granularity=0,
                    interval=60)
    code = w.code_id(sha(source), "script", "/tmp/pb data/fail.py", source)
    s1, s2 = w.statement_ids(code, [(1, 0, 1, 5, "Assign", "<module>", "a = 1"),
                                    (2, 0, 2, 9, "Assign", "<module>", "b = a / 0")])
    w.set_trial(main_code_id=code)
    w.add_many("executions", [
        (1, None, "module", None, code, "<module>", T0 + 20, T0 + 21, 1, "error", None, None),
        (2, 1, "statement", s1, code, "Assign", None, None, 1, None, None, None),
        (3, 1, "statement", s2, code, "Assign", None, None, 1, None, None, None),
    ])
    w.add_many("versions", [(1, "a", "<module>", "assign", 2, "int", 1, "1", None, 1)])
    w.add_many("usages", [(3, 1)])
    w.finish("failed", exit_code=1, exception="ZeroDivisionError: division by zero")
    return w.uuid


def build_store(root: Path) -> Path:
    """A store under ``root`` holding the script (1), notebook (2) and failed (3) trials."""
    store_dir = root / ".provbridge"
    store_dir.mkdir(parents=True, exist_ok=True)
    script_trial(store_dir)
    notebook_trial(store_dir)
    failed_trial(store_dir)
    return store_dir

"""A trial's code (script, modules, executed cells) and its order of operations (top-level statements)."""

from __future__ import annotations

from dataclasses import dataclass

from provbridge.store.store import Trial

MAX_BLOCK = 8  # longest repeated run of statements folded into one (loop bodies)


@dataclass(frozen=True)
class Operation:
    """One top-level statement in execution order; ``count`` > 1 when consecutive repetitions (a loop)
    were folded into it."""

    stmt_id: int
    lineno: int
    text: str
    count: int = 1

    @property
    def line(self) -> str:
        """The statement text, with ``×N`` when it ran N times in a row (line numbers left out, so that
        an inserted line does not make every later operation differ)."""
        return self.text + (f"  ×{self.count}" if self.count > 1 else "")


def code_of(trial: Trial) -> dict[str, str]:
    """``{label: source}``: the script (or module) as run and the user modules it imported, or for a
    notebook every executed cell in execution order under ``In[n]`` labels."""
    conn = trial.conn
    result: dict[str, str] = {}
    cells = conn.execute(
        "SELECT e.exec_count, e.name, c.source FROM executions e JOIN code c ON c.id = e.code_id "
        "WHERE e.trial_id = ? AND e.kind = 'cell' ORDER BY e.id", (trial.id,)
    ).fetchall()
    if trial.main_code_id is not None and not cells:
        row = conn.execute("SELECT path, source FROM code WHERE id = ?", (trial.main_code_id,)).fetchone()
        if row is not None:
            result[trial.main or row[0] or "main"] = row[1]
    for n, (count, name, source) in enumerate(cells, 1):
        label = f"In[{count}]" if count is not None else f"cell {n} ({name})"
        while label in result:
            label += "'"
        result[label] = source
    modules = conn.execute(
        "SELECT DISTINCT c.path, c.source FROM executions e JOIN code c ON c.id = e.code_id "
        "WHERE e.trial_id = ? AND e.kind = 'module' AND e.parent IS NOT NULL AND c.id != ? ORDER BY e.id",
        (trial.id, trial.main_code_id or -1),
    ).fetchall()
    for path, source in modules:
        result.setdefault(path, source)
    return result


def operations(trial: Trial) -> list[Operation]:
    """The trial's top-level statement executions (in the main script, or in cells) in order. Statements
    nested in a recorded compound statement (``for``, ``with``, ``def``) count as that statement; runs of
    repeated statements (loops) are folded into one operation with a count."""
    conn = trial.conn
    roots = {
        eid for eid, kind, parent in conn.execute(
            "SELECT id, kind, parent FROM executions WHERE trial_id = ? AND kind IN ('module', 'cell')", (trial.id,)
        ) if kind == "cell" or parent is None
    }
    rows = conn.execute(
        "SELECT e.parent, e.count, s.id, s.code_id, s.lineno, s.col, s.text FROM executions e "
        "JOIN statements s ON s.id = e.stmt_id WHERE e.trial_id = ? AND e.kind = 'statement' ORDER BY e.id",
        (trial.id,),
    ).fetchall()
    spans = _top_spans(trial, {row[3] for row in rows})
    ops: list[Operation] = []
    for parent, count, sid, code_id, lineno, col, text in rows:
        if parent not in roots:
            continue
        nested = False
        if col > 0:
            outer = next((s for s in spans.get(code_id, []) if s[1] <= lineno <= s[2]), None)
            if outer is not None:
                sid, lineno, text, nested = outer[0], outer[1], outer[3], True
        if ops and ops[-1].stmt_id == sid:  # the same statement again (a loop), or the body of the last one
            ops[-1] = Operation(sid, lineno, text, ops[-1].count + (0 if nested else count))
            continue
        ops.append(Operation(sid, lineno, text, 1 if nested else count))
    return fold_repeats(ops)


def _top_spans(trial: Trial, code_ids: set[int]) -> dict[int, list[tuple[int, int, int, str]]]:
    """Per code component, the column-0 statements spanning several lines: (id, first, last line, text)."""
    spans: dict[int, list[tuple[int, int, int, str]]] = {}
    for code_id in code_ids:
        spans[code_id] = [
            (sid, lineno, end, text) for sid, lineno, end, text in trial.conn.execute(
                "SELECT id, lineno, end_lineno, text FROM statements WHERE code_id = ? AND col = 0 "
                "AND end_lineno > lineno ORDER BY lineno", (code_id,)
            )
        ]
    return spans


def fold_repeats(ops: list[Operation]) -> list[Operation]:
    """Fold consecutive repetitions of a block of up to MAX_BLOCK operations (a loop body without a
    recorded loop statement) into one block whose operations carry the repetition count."""
    out: list[Operation] = []
    i = 0
    while i < len(ops):
        best_len, best_reps = 1, 1
        for size in range(1, MAX_BLOCK + 1):
            block = [o.stmt_id for o in ops[i:i + size]]
            if len(block) < size:
                break
            reps = 1
            while [o.stmt_id for o in ops[i + reps * size:i + (reps + 1) * size]] == block:
                reps += 1
            if reps > 1 and reps * size > best_reps * best_len:
                best_len, best_reps = size, reps
        if best_reps > 1:
            for j in range(best_len):
                first = ops[i + j]
                total = sum(ops[i + r * best_len + j].count for r in range(best_reps))
                out.append(Operation(first.stmt_id, first.lineno, first.text, total))
            i += best_len * best_reps
        else:
            out.append(ops[i])
            i += 1
    return out

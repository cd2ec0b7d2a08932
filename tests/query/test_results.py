"""A SELECT kept as pyoxigraph's TSV text (inside as_text) gives the same rows as the terms it was built from,
counts its rows without building them, and numbers a column's IRIs from the text (issue 18: a Python object
per solution cost half of the closure at a million records); elsewhere results are terms as before."""

from __future__ import annotations

import pyoxigraph as ox

from provbridge.query.results import Result, as_text, from_oxigraph

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY = f"""SELECT ?x ?y WHERE {{ VALUES (?x ?y) {{
  (<http://t/v12> "a\\tb\\nc") (<http://t/v3> UNDEF) (<http://t/pre> "2"^^<{XSD}integer>)
  ("1.5"^^<{XSD}double> "e"@en) (true <http://t/v7>) }} }}"""


def _both(query: str) -> tuple[Result, list[tuple[object, ...]]]:
    store = ox.Store()
    with as_text():
        result = from_oxigraph(store.query(query))
    return result, [tuple(row) for row in store.query(query)]


def test_text_result_has_the_engine_rows() -> None:
    result, rows = _both(QUERY)
    assert result.text is not None
    assert (result.kind, result.columns, len(result)) == ("select", ["x", "y"], 5)
    assert result.text is not None  # counted without building terms
    assert result.terms == rows
    assert result.rows()[1] == ("http://t/v3", None)
    assert result == Result("select", ["x", "y"], rows)


def test_empty_and_variable_free_results() -> None:
    empty, _ = _both("SELECT ?x WHERE { FILTER(false) }")
    assert (len(empty), bool(empty), empty.terms) == (0, False, [])
    one, _ = _both("SELECT * WHERE {}")
    assert (len(one), one.columns, one.terms) == (1, [], [()])


def test_numbered_reads_versions_from_the_text_or_the_terms() -> None:
    single, _ = _both("SELECT ?v WHERE { VALUES ?v { <http://t/v12> <http://t/v3> <http://t/v40> } }")
    assert single.numbered("v", "http://t/v") == ([12, 3, 40], [])
    assert single.text is not None  # no term was built
    mixed, _ = _both("SELECT ?v WHERE { VALUES ?v { <http://t/v2> <http://t/pre> 5 <http://u/v9> } }")
    assert mixed.numbered("v", "http://t/v") == ([2], ["http://t/pre", "http://u/v9"])
    several, _ = _both(QUERY)
    assert several.numbered("x", "http://t/v") == ([12, 3], ["http://t/pre"])
    assert several.numbered("y", "http://t/v") == ([7], [])
    built = Result("select", ["v"], [(ox.NamedNode("http://t/v5"),), (None,)])
    assert built.numbered("v", "http://t/v") == ([5], [])


def test_without_drops_the_numbered_rows_from_text_or_terms() -> None:
    query = "SELECT ?v WHERE { VALUES ?v { <http://t/v1> <http://t/v2> <http://t/pre> 4 <http://t/v30> } }"
    result, rows = _both(query)
    kept = result.without("v", "http://t/v", {2, 30, 99})
    assert kept.text is not None and len(kept) == 3
    assert kept.terms == [rows[0], rows[2], rows[3]]
    built = Result("select", ["v"], rows).without("v", "http://t/v", {2, 30})
    assert built.terms == [rows[0], rows[2], rows[3]]
    several, pairs = _both(QUERY)
    assert several.without("x", "http://t/v", {3}).terms == [pairs[0], *pairs[2:]]
    assert result.without("v", "http://t/v", set()) is result


def test_results_are_terms_outside_as_text() -> None:
    store = ox.Store()
    result = from_oxigraph(store.query(QUERY))
    assert result.text is None and result.terms == [tuple(row) for row in store.query(QUERY)]
    assert result.numbered("x", "http://t/v") == ([12, 3], ["http://t/pre"])

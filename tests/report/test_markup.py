"""The report's HTML building blocks: escaping, accessible tables, diffs, the document shell."""

from __future__ import annotations

from provbridge.report.markup import document, element, esc, facts, fragment, table, text_of, unified_diff


def test_escape_and_text() -> None:
    assert esc("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
    assert [text_of(v) for v in (None, 9.0, 0.1, 1 / 3, float("nan"), [1, "a"], True)] == [
        "", "9.0", "0.1", "0.333333", "NaN", "[1, 'a']", "True"]
    assert text_of("x" * 300) == "x" * 199 + "…"
    assert element("a", "t", href="#x", class_="c", aria_label="<l>", title=None) == \
        '<a href="#x" class="c" aria-label="&lt;l&gt;">t</a>'


def test_table_headers_scopes_numbers_status_and_escaping() -> None:
    html = table(["name", "value", "status"], [("<b>", 1.5, "changed"), ("n", None, "")], caption="c&d")
    assert html == (
        '<table><caption>c&amp;d</caption><thead><tr><th scope="col">name</th><th scope="col">value</th>'
        '<th scope="col">status</th></tr></thead><tbody><tr class="status-changed"><th scope="row">&lt;b&gt;</th>'
        '<td class="num">1.5</td><td>changed</td></tr><tr><th scope="row">n</th><td></td><td></td></tr></tbody>'
        "</table>"
    )


def test_facts_diff_and_document() -> None:
    assert facts([("a", 1), ("empty", None), ("b", "<x>")]) == \
        '<dl class="facts"><dt>a</dt><dd>1</dd><dt>b</dt><dd>&lt;x&gt;</dd></dl>'
    assert unified_diff("--- a\n+++ b\n@@ -1 +1 @@\n-x = 1\n+x = <2>\n") == (
        '<pre>--- a\n+++ b\n@@ -1 +1 @@\n<span class="del">-x = 1</span>\n'
        '<span class="add">+x = &lt;2&gt;</span></pre>')
    page = document("T <1>", "<p>body</p>", generator="provbridge 0")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')
    assert "<title>T &lt;1&gt;</title>" in page and '<div class="pb-report">\n<p>body</p>\n</div>' in page
    assert "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"" in page
    assert fragment("<p>x</p>").startswith('<div class="pb-report"><style>') and fragment("<p>x</p>").endswith(
        "</style><p>x</p></div>")

"""The report in a real browser: headless Chromium loads it with no error and no request, and shows the diff
rows and the diagrams' node labels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.cdp import Browser, chromium_path
from tests.report.conftest import Reported

pytestmark = [pytest.mark.slow, pytest.mark.graphviz, pytest.mark.timeout(300)]

PNG = b"\x89PNG\r\n\x1a\n"
ROWS = """[...document.querySelectorAll('#diff-1-2-parameters tbody tr, #diff-1-2-metrics tbody tr')]
          .map(tr => [...tr.cells].map(c => c.textContent))"""
LABELS = "[...document.querySelectorAll('#trial-1-backward svg text')].map(t => t.textContent)"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    program = chromium_path()
    if program is None:
        pytest.skip("no Chromium on PATH: install Debian's `chromium` package to run the browser tests")
    pytest.importorskip("websocket", reason="the browser test needs websocket-client (pip install websocket-client)")
    started = Browser(program, tmp_path_factory.mktemp("chromium") / "profile")
    try:
        yield started
    finally:
        started.close()


def test_report_loads_without_errors_or_requests_and_shows_diff_and_diagram(
        reported: Reported, browser: Browser, tmp_path: Path) -> None:
    url = reported.path.as_uri()
    browser.open(url)
    assert browser.errors() == []
    assert browser.requests() == [url]  # the page itself, nothing else
    shot = browser.screenshot()
    assert shot.startswith(PNG) and len(shot) > 10_000
    (tmp_path / "report.png").write_bytes(shot)
    assert browser.evaluate("document.title") == "provbridge report: trials 1, 2, 3"
    text = browser.evaluate("document.body.innerText")
    assert "Trial 1 (train.py) → trial 2 (train.py)" in text
    assert browser.evaluate(ROWS) == [
        ["alpha", "0.1", "0.5", "changed"],
        ["argv", "['train.py', '--alpha', '0.1']", "['train.py', '--alpha', '0.5']", "changed"],
        ["loss", "9.0", "5.0", "-4.0", "changed"],
    ]
    labels = browser.evaluate(LABELS)
    assert {"loss = 9.0", "[metric=9.0]", "total = 1.0", "alpha = 0.1", "L14: total = sum(scaled)"} <= set(labels)
    drawn = browser.evaluate("[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width > 0)")
    assert len(drawn) == 7 and all(drawn)  # 3 dataflows, 3 metric dependencies, 1 plot, all laid out
    assert browser.evaluate("document.querySelectorAll('script').length") == 0
    assert browser.evaluate("[...document.querySelectorAll('svg')].every(s => s.getAttribute('role') === 'img' "
                            "&& s.getAttribute('aria-label').length > 0)")


def test_the_browser_check_sees_errors_requests_and_blocked_scripts(browser: Browser, tmp_path: Path) -> None:
    open_page = tmp_path / "open.html"
    open_page.write_text('<!DOCTYPE html><html lang="en"><title>t</title><img alt="" src="http://127.0.0.1:9/x.png">'
                         '<script>console.error("boom"); undefinedName();</script></html>', encoding="utf-8")
    browser.open(open_page.as_uri())
    assert "http://127.0.0.1:9/x.png" in browser.requests()
    errors = browser.errors()
    assert any(e.startswith("console.error: boom") for e in errors)
    assert any(e.startswith("exception:") for e in errors)
    locked = tmp_path / "locked.html"  # the report's policy: an injected script would not run, and would show
    policy = "default-src 'none'; style-src 'unsafe-inline'"
    locked.write_text(f'<!DOCTYPE html><html lang="en"><meta http-equiv="Content-Security-Policy" content="{policy}">'
                      '<title>t</title><script>document.title = "ran"</script></html>', encoding="utf-8")
    browser.open(locked.as_uri())
    assert browser.evaluate("document.title") == "t"
    assert any("Content Security Policy" in e for e in browser.errors())

"""The HTML reports opened in a real headless Chromium, the way a DISP agent opens them.

The page is loaded from a file, on a browser whose network is cut (every host name
resolves to nothing, every request goes to a dead proxy); the tests read the text the
browser shows and the list of requests the page made, as DevTools reports them.
Skipped, with the reason, where no Chromium is installed (.ci/run installs one).
"""

import json
from pathlib import Path

import pytest

import ppaip_rules
from ppaip_rules import evaluate_case, lot_report, run_check
from ppaip_rules.lot import read_activity
from ppaip_rules.render import render

EXAMPLES = Path(ppaip_rules.__file__).parent / "examples"
AS_OF = "2025-06-30T18:00:00+02:00"
NO_NETWORK = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
              "--host-resolver-rules=MAP * ~NOTFOUND")


def example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    import _chromium

    executable = _chromium.find()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium; .ci/run installs it)")
    b = _chromium.Browser(executable, str(tmp_path_factory.mktemp("profile")), *NO_NETWORK)
    yield b
    b.close()


def _open(browser, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    page = browser.open(path.as_uri())
    page.wait_for("document.readyState === 'complete' && document.body.innerText.length > 0")
    return page, path.as_uri()


def test_lot_report_in_chromium_shows_its_figures_and_makes_no_request(browser, tmp_path):
    r = lot_report(**read_activity(example("activity.non-conforme.json")))
    page, url = _open(browser, tmp_path, "lot.html", render(r, "html"))
    text = page.text()
    assert "Lot 5 — rapport du jeudi 1er mai 2025 au lundi 30 juin 2025" in text
    assert f"ppaip-rules {ppaip_rules.__version__} · paramètres : CCTP PPAIP — DISP de Dijon" \
        in text
    assert "11 h réalisées sur 100,3 h prévues au prorata (11 %)" in text
    assert "6 sur 12 (50 %)" in text
    assert "NON CONFORME" in text
    assert f"Violations ({len(r.report.violations)})" in text
    assert page.requests() == [url]
    if _has_matplotlib():
        # the three charts are drawn, with their text as shapes (no font to fetch)
        sizes = page.evaluate("Array.from(document.querySelectorAll('figure.chart svg'))"
                              ".map(s => Math.round(s.getBoundingClientRect().width))")
        assert len(sizes) == 3 and all(w > 200 for w in sizes)


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_case_timeline_in_chromium_shows_expected_found_and_calculation(browser, tmp_path):
    ev = evaluate_case(example("case.non-conforme.json"), as_of=AS_OF)
    page, url = _open(browser, tmp_path, "parcours.html", render(ev, "html"))
    text = page.text()
    assert "Parcours « DIJ-2025-0157 » — situation au lundi 30 juin 2025 à 18 h 00" in text
    assert "PROG-FIRST-MEETING (CCTP 6.1-2) — Premier entretien sous 5 jours calendaires" in text
    for label in ("attendu", "constaté", "calcul"):
        assert label in text
    assert "mercredi 7 mai 2025, jour ouvré : pas de prolongation" in text
    assert page.requests() == [url]
    page.screenshot(str(tmp_path / "parcours.png"))
    assert (tmp_path / "parcours.png").stat().st_size > 10_000


def test_compliant_check_in_chromium_still_shows_the_summary(browser, tmp_path):
    report = run_check("programme", example("programme.conforme.json"))
    page, url = _open(browser, tmp_path, "programme.html", render(report, "html"))
    text = page.text()
    assert "CONFORME" in text and "NON CONFORME" not in text
    assert f"Règles vérifiées ({len(report.checked)})" in text
    assert page.requests() == [url]


def test_the_request_log_sees_a_page_that_would_fetch_something(browser, tmp_path):
    # The same harness on a page that does load an outside image: the request shows.
    page, _ = _open(browser, tmp_path, "control.html",
                      b'<!DOCTYPE html><p>contr\xc3\xb4le</p>'
                      b'<img src="http://cdn.example.invalid/logo.png">')
    page.wait_for("performance.getEntriesByType('resource').length > 0 || "
                  "document.images[0].complete")
    assert "http://cdn.example.invalid/logo.png" in page.requests()

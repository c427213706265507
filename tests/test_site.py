"""The documentation site as its readers get it: built by mkdocs into a temporary folder.

- no page shows template text (``{delay}``, ``{ #anchor }``, an unexpanded marker);
- every internal link and anchor resolves;
- the search finds ``delai``, ``eligibilite``, ``suppleant`` as it finds the accented
  words, in a real headless Chromium (skipped, with its reason, without one).
"""

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocs", reason="the docs extra (mkdocs) is not installed")
    pytest.importorskip("material", reason="the docs extra (mkdocs-material) is not installed")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                           "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


class _Page(HTMLParser):
    """The ids, links and visible text (outside code, scripts and SVG) of one page."""

    HIDDEN = frozenset({"script", "style", "code", "pre", "svg", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.text, self._hidden = set(), [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _pages(site):
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    return pages


PLACEHOLDER = re.compile(r"\{\s*[a-z_]+\s*\}|\{\s*#[\w-]+\s*\}|<!-- ppaip:|\bppaip: [a-z-]+ -->")


def test_no_built_page_shows_template_text(site):
    found = {}
    for path, page in _pages(site).items():
        hits = PLACEHOLDER.findall(" ".join(page.text))
        if hits:
            found[str(path.relative_to(site))] = hits[:3]
    assert not found


def test_the_deadlines_page_headings_show_the_delay_and_their_anchor(site):
    page = (site / "delais" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r'<h3 id="delai-prog-first-meeting">(.*?)<a', page)
    assert heading, "the PROG-FIRST-MEETING section has lost its anchor"
    assert heading.group(1).strip() == "Premier entretien sous 5 jours calendaires"
    assert 'href="#delai-prog-first-meeting"' in page


def _target(site, page_path, href):
    """The file and fragment an internal link points to, or None for an outside link."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    base = "/" + page_path.relative_to(site).as_posix()
    path = urllib.parse.unquote(urllib.parse.urljoin(base, parts.path)) if parts.path \
        else base
    file = site / path.lstrip("/")
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, urllib.parse.unquote(parts.fragment)


def test_every_internal_link_and_anchor_resolves(site):
    pages = _pages(site)
    broken = []
    for path, page in pages.items():
        if path.name == "404.html":
            continue  # served from any folder: its links are relative to where it is shown
        for href in page.links:
            target = _target(site, path, href)
            if target is None:
                continue
            file, fragment = target
            where = f"{path.relative_to(site)} → {href}"
            if not file.exists():
                broken.append(f"{where} (page absente)")
            elif fragment and file.suffix == ".html" and fragment not in pages[file].ids:
                broken.append(f"{where} (ancre absente)")
    assert not broken, "\n".join(broken[:30])


def test_the_anchor_checker_sees_a_broken_anchor(site, tmp_path):
    page = site / "delais" / "index.html"
    assert _target(site, page, "../glossaire/#nope") == (site / "glossaire" / "index.html",
                                                         "nope")
    assert "nope" not in _pages(site)[site / "glossaire" / "index.html"].ids
    assert _target(site, page, "https://example.org/") is None


def test_search_index_folds_accents():
    pytest.importorskip("mkdocs", reason="the docs extra (mkdocs) is not installed")
    from hooks import fold, folded_words

    assert fold("délai éligibilité suppléant Œuvre") == "delai eligibilite suppleant Œuvre"
    assert folded_words("Le <em>délai</em> du suppléant", "délai") == "delai suppleant"


# --- the search, in a real browser ------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    import _chromium

    executable = _chromium.find()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium; .ci/run installs it)")
    b = _chromium.Browser(executable, str(tmp_path_factory.mktemp("profile")))
    yield b
    b.close()


_META = ("(function(){var m=document.querySelector('.md-search-result__meta');"
         "return m && !/Initialisation/.test(m.textContent) && m.textContent.trim()})()")
_HITS = ("Array.from(document.querySelectorAll('.md-search-result__item > a'))"
         ".map(a => new URL(a.href).pathname)")


def _search(browser, served, query):
    page = browser.open(f"{served}/?q={urllib.parse.quote(query)}")
    meta = page.wait_for(_META)
    return meta, set(page.evaluate(_HITS))


@pytest.mark.parametrize("plain, accented, page", [
    ("delai", "délai", "/delais/"),
    ("eligibilite", "éligibilité", "/regles/eligibilite/"),
    ("suppleant", "suppléant", "/regles/effectifs/"),
])
def test_search_finds_words_typed_without_accents(browser, served, plain, accented, page):
    meta, hits = _search(browser, served, plain)
    assert "Aucun" not in meta
    assert page in hits
    _, accented_hits = _search(browser, served, accented)
    assert page in accented_hits


def test_search_still_says_when_nothing_matches(browser, served):
    meta, hits = _search(browser, served, "xyzzyq")
    assert meta == "Aucun document trouvé"
    assert not hits

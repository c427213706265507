"""Every command a guide shows runs as written, in a folder holding the files it names.

The guides are taken as the site shows them (markers expanded). For each page:

- a block that starts with ``$ ppaip-rules …`` shows a command and what it printed:
  the command is run and must print exactly that;
- each ``ppaip-rules …`` line of a shell block is run; the comment above it says
  « code de sortie N », or the code must be 0 or 1 (never 2, bad input, nor 3);
- each inline ``ppaip-rules …`` command that names real files is run the same way
  (a command's mere name, or one with a placeholder such as ``KIND`` or ``…``, is not);
- ``chromium --headless --print-to-pdf`` is run when a Chromium is installed.

Lines that install the library (``python3 -m venv``, ``pip install``) are not run here:
.ci/run installs from the sources exactly that way.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import docsite  # docs/docsite/ (on the path through tests/conftest.py)
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDES = sorted((DOCS / "guides").glob("*.md"))
INSTALL = ("python3 -m venv", ".venv/bin/pip install", "pip install")
FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>```+)(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)\n"
                   r"(?P=indent)(?P=fence)[ ]*$", re.S | re.M)
INLINE = re.compile(r"(?<!`)`(ppaip-rules [^`\n]+)`(?!`)")
PLACEHOLDER = re.compile(r"…|\.\.\.|\b[A-Z][A-Z_|.]{2,}\b")
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))},
       "PYTHONIOENCODING": "utf-8", "TZ": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _importable(monkeypatch):
    """The snippets run in subprocesses: they import this checkout, installed or not."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    ENV["PYTHONPATH"] = os.environ["PYTHONPATH"]


def expanded(path: Path) -> str:
    return docsite.expand(path.read_text(encoding="utf-8"), f"guides/{path.name}", DOCS)


def commands(markdown: str) -> list[tuple[str, str | None, int | None]]:
    """(command line, output shown or None, exit code said or None), in page order."""
    found = []
    blocks = []
    for match in FENCE.finditer(markdown):
        body = textwrap.dedent(match.group("body"))
        blocks.append((match.start(), match.end()))
        lines = body.splitlines()
        if lines and lines[0].startswith("$ ppaip-rules "):
            found.append((match.start(), lines[0][2:], "\n".join(lines[1:]), None))
        elif match.group("lang") in ("sh", "bash", "shell", ""):
            comment = ""
            for offset, raw in enumerate(lines):
                line = raw.strip()
                if line.startswith("#"):
                    comment += " " + line
                    continue
                if line.startswith(".venv/bin/ppaip-rules"):
                    line = line.removeprefix(".venv/bin/")
                line = line.split("  #", 1)[0].strip()
                if line.startswith(("ppaip-rules ", "chromium ")):
                    said = re.search(r"code de sortie (\d)", comment)
                    found.append((match.start() + offset, line, None,
                                  int(said.group(1)) if said else None))
                comment = "" if line else comment
    for match in INLINE.finditer(markdown):
        if any(a <= match.start() < b for a, b in blocks):
            continue
        # a complete command (not a mere name: `ppaip-rules semaine`), with no placeholder
        if len(match.group(1).split()) > 2 and not PLACEHOLDER.search(match.group(1)):
            found.append((match.start(), match.group(1), None, None))
    return [(line, out, code) for _, line, out, code in sorted(found, key=lambda f: f[0])]


@pytest.fixture
def folder(tmp_path):
    """The example files the guides name, and the integration snippets, side by side."""
    examples = Path(str(resources.files("ppaip_rules") / "examples"))
    for path in [*examples.iterdir(), *(DOCS / "snippets" / "integration").iterdir()]:
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    if (examples / "cas").is_dir():  # the test case files (ppaip-rules verifier cas)
        shutil.copytree(examples / "cas", tmp_path / "cas")
    return tmp_path


def run(line: str, cwd: Path) -> tuple[int, bytes, Path | None]:
    words = shlex.split(line)
    stdin = target = None
    if "<" in words:
        i = words.index("<")
        stdin, words = (cwd / words[i + 1]).read_bytes(), words[:i] + words[i + 2:]
    if ">" in words:
        i = words.index(">")
        target, words = cwd / words[i + 1], words[:i] + words[i + 2:]
    if words[0] == "chromium":
        words = [_chromium(), "--no-sandbox", *words[1:]]
    else:
        words = [sys.executable, "-m", "ppaip_rules.cli", *words[1:]]
    done = subprocess.run(words, input=stdin, capture_output=True, cwd=cwd, env=ENV,
                          timeout=120)
    if target is not None:
        target.write_bytes(done.stdout)
    return done.returncode, done.stdout if target is None else b"", target


def _chromium():
    import _chromium

    return _chromium.find()


@pytest.mark.parametrize("guide", GUIDES, ids=[g.stem for g in GUIDES])
def test_every_command_of_the_guide_runs_as_written(guide, folder):
    page = expanded(guide)
    ran = 0
    for line, shown, said in commands(page):
        if line.startswith("chromium ") and _chromium() is None:
            continue  # the browser tests say why they are skipped
        code, out, target = run(line, folder)
        where = f"{guide.name}: « {line} »"
        if said is not None:
            assert code == said, f"{where} exited {code}, the guide says {said}"
        else:
            assert code in (0, 1), f"{where} exited {code}"
        if shown is not None:
            assert out.decode("utf-8").rstrip() == shown.rstrip(), f"{where}: other output"
        if target is not None:
            assert target.stat().st_size > 0, f"{where}: empty {target.name}"
        ran += 1
    if guide.stem in ("effectifs", "programme", "parcours", "rapports", "integration"):
        assert ran, f"{guide.name} shows no command that runs"


def test_the_reports_guide_commands_write_what_they_say(folder):
    page = expanded(DOCS / "guides" / "rapports.md")
    for line, _, _ in commands(page):
        if line.startswith("chromium ") and _chromium() is None:
            continue
        run(line, folder)
    assert (folder / "parcours.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert (folder / "constats.csv").read_bytes().startswith("\ufeffrègle;".encode())
    assert (folder / "constats-lot-5.xlsx").read_bytes()[:2] == b"PK"
    assert (folder / "echeances.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    if _chromium() is not None:
        assert (folder / "parcours.pdf").read_bytes().startswith(b"%PDF")


def test_guides_tell_to_install_from_the_sources():
    text = (DOCS / "guides" / "integration.md").read_text(encoding="utf-8")
    assert "pip install ppaip-rules" not in text
    assert ".venv/bin/pip install ." in text


def test_command_finder_reads_blocks_comments_and_inline_commands():
    page = ("Lancer `ppaip-rules check programme p.json`, ou `ppaip-rules check KIND -`.\n\n"
            "```sh\n# Un contrôle (code de sortie 1)\nppaip-rules check deadline a.json\n"
            "python3 -m venv .venv\n```\n\n"
            "```text\n$ ppaip-rules rules\nX\n```\n")
    assert commands(page) == [("ppaip-rules check programme p.json", None, None),
                              ("ppaip-rules check deadline a.json", None, 1),
                              ("ppaip-rules rules", "X", None)]

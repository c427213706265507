"""mkdocs hooks: fill the pages' markers from the live rule registry (see docs/docsite/).

Declared in mkdocs.yml (``hooks:``). Every page's ``<!-- ppaip: … -->`` markers are
replaced at build time; the JSON Schemas of the check kinds and the package's example
files are added to the site as downloads.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import docsite  # docs/docsite/: documentation tooling, next to this file
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File


def on_config(config, **_):
    # Snippets are found from the docs folder wherever mkdocs is started from.
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(Path(config.docs_dir) / "snippets")]
    return config


def on_files(files, config, **_):
    for path, content in docsite.downloads().items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown, page, config, **_):
    return docsite.expand(markdown, page.file.src_uri, config.docs_dir)


# --- search without accents ---------------------------------------------------------------

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """``text`` without its accents: ``délai`` → ``delai``, ``éligibilité`` → ``eligibilite``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def folded_words(*texts: str) -> str:
    """The accented words of ``texts``, folded, once each (the ``folded`` search field)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(re.sub(r"<[^>]+>", " ", text)):
            plain = fold(word)
            if plain != word:
                seen.setdefault(plain.lower())
    return " ".join(seen)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config, **_):
    """Add to every entry of the search index the folded form of its accented words.

    The index gets a ``folded`` field (declared in mkdocs.yml, ``plugins: search:
    fields:``): « delai » finds the pages that say « délai », as « délai » does.
    """
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        doc["folded"] = folded_words(doc.get("title", ""), doc.get("text", ""))
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")

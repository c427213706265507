"""mkdocs hooks: fill the pages' markers from the live rule registry (see docs/docsite/).

Declared in mkdocs.yml (``hooks:``). Every page's ``<!-- ppaip: … -->`` markers are
replaced at build time; the JSON Schemas of the check kinds and the package's example
files are added to the site as downloads.
"""

from __future__ import annotations

from pathlib import Path

import docsite  # docs/docsite/: documentation tooling, next to this file
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

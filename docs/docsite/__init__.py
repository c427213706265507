"""The documentation site's generated content, computed from the live registry.

The pages of ``docs/`` are written by hand and carry markers (block markers on
a line of their own, inline ones such as the version inside a sentence)::

    <!-- ppaip: catalogue-area programme -->

The mkdocs hook (``docs/hooks.py``) calls :func:`expand` on every page, which
replaces each marker by Markdown generated from the registry, the contract
parameters, the calendar and the check kinds *at build time*: a page can never
show a rule, a figure or a result that the code no longer gives. Every worked
example is executed through :func:`ppaip_rules.run_check` while the page is
built. :func:`downloads` lists the files added to the site (JSON Schemas of
every check kind, the example files of the package).

A marker whose data source does not exist yet (a check kind or a module that
is not in this version) renders a short "à venir" note instead of failing;
an unknown marker, or an example that no longer gives its documented result,
fails the build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .markdown import DocsError

MARKER = re.compile(r"<!-- ppaip: ([a-z0-9-]+)((?: [^ >]+)*) -->")


def _renderers() -> dict[str, Callable[..., str]]:
    from . import catalogue, deadlines_page, explain_page, guides, interpretations

    return {
        "catalogue-index": catalogue.catalogue_index,
        "catalogue-area": catalogue.catalogue_area,
        "parameters": catalogue.parameters_table,
        "coverage": catalogue.coverage_matrix,
        "coverage-summary": catalogue.coverage_summary,
        "rule": catalogue.rule_card,
        "interpretations": interpretations.interpretations,
        "deadline-tables": deadlines_page.deadline_tables,
        "holidays": deadlines_page.holidays_table,
        "alsace-moselle": deadlines_page.alsace_moselle,
        "whit-monday": deadlines_page.whit_monday,
        "good-friday": deadlines_page.good_friday,
        "units": deadlines_page.units_table,
        "home-stats": guides.home_stats,
        "sample-finding": guides.sample_finding,
        "kind-guide": guides.kind_guide,
        "kind-fields": guides.kind_fields,
        "roster-columns": guides.roster_columns,
        "kinds": guides.kinds_table,
        "schemas": guides.schemas,
        "exit-codes": guides.exit_codes,
        "snippet-output": guides.snippet_output,
        "cli-help": guides.cli_help,
        "cli-usage": guides.cli_usage,
        "cli-example": guides.cli_example,
        "version": guides.version,
        "explained-finding": explain_page.explained_finding,
        "explained-deadline": explain_page.explained_deadline,
        "explained-rules": explain_page.explained_rules,
        "parameter-history": explain_page.parameter_history,
        "dijon-history": explain_page.dijon_history,
    }


def expand(markdown: str, page: str, docs_dir: str | Path | None = None) -> str:
    """``markdown`` of the page ``page`` (path in ``docs/``) with every marker replaced."""
    renderers = _renderers()

    def replace(match: re.Match) -> str:
        name, args = match.group(1), match.group(2).split()
        try:
            render = renderers[name]
        except KeyError:
            raise DocsError(f"{page}: unknown marker « {name} »") from None
        return render(*args, page=page, docs_dir=Path(docs_dir) if docs_dir else None)

    return MARKER.sub(replace, markdown)


def downloads() -> dict[str, bytes]:
    """Files added to the site: site path → content."""
    from .guides import downloads as _downloads

    return _downloads()


__all__ = ["MARKER", "DocsError", "downloads", "expand"]

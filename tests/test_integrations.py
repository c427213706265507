"""Optional integrations stay optional: the core never imports them, nor their dependencies.

These tests run with or without durable_rules installed (the adapter's own tests,
tests/test_durable_adapter.py, are skipped without it).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

OPTIONAL = ("durable", "durable_rules_engine")
# The optional modules actually loaded (an entry set to None only blocks an import).
LOADED = (f"print(sorted(m for m, module in sys.modules.items() "
          f"if module is not None and m.split('.')[0] in {OPTIONAL!r}))")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_importing_ppaip_rules_never_imports_durable():
    done = _run("import sys, ppaip_rules, ppaip_rules.cli\n"
                "ppaip_rules.run_check('case', {'events': []}, as_of='2025-06-30')\n"
                + LOADED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_importing_the_adapter_module_does_not_import_durable_either():
    done = _run("import sys, ppaip_rules.integrations.durable as d\n"
                "print(d.ruleset_definition(live=True)['event'])\n"
                + LOADED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("blocked", ["durable", "durable_rules_engine"])
def test_without_durable_the_adapter_says_in_french_how_to_install_it(blocked):
    # sys.modules[name] = None makes "import name" fail as when it is absent (or, on
    # Python 3.13, when its C engine does not load).
    done = _run(f"import sys\nsys.modules[{blocked!r}] = None\n"
                "from ppaip_rules.integrations.durable import DurableAdapter, DurableUnavailable\n"
                "try:\n"
                "    DurableAdapter(now='2025-06-30T08:00:00+02:00')\n"
                "except DurableUnavailable as error:\n"
                "    assert isinstance(error, ImportError)\n"
                "    print(error)\n")
    assert done.returncode == 0, done.stderr
    message = done.stdout.strip()
    assert message.startswith("durable_rules est absent ou ne s'importe pas")
    assert "pip install 'ppaip-rules[durable]'" in message
    assert "3.13" in message


def test_importing_ppaip_rules_leaves_the_area_modules_for_first_use():
    code = ("import sys, ppaip_rules; "
            "assert 'ppaip_rules.timeline' not in sys.modules; "
            "assert ppaip_rules.evaluate_case.__wrapped__.__module__ == 'ppaip_rules.timeline'; "
            "assert len(ppaip_rules.rules()) >= 54; "
            "from ppaip_rules import check_roster; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "ok", out.stderr

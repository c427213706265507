"""The README's promises: its Python example runs, its set-up commands match CI."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_example_runs_and_says_what_it_claims():
    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["d"].due.isoformat() == "2025-05-07"
    assert namespace["report"].by_rule("PROG-GROUP-SIZE")


def test_readme_opens_with_the_two_setup_commands_and_ci_runs_the_test_one():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert first_block[0].endswith("ppaip-rules demo")
    assert first_block[1].endswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    extras = re.search(r"pip install ('[^']*')", first_block[1]).group(1)
    assert f".venv/bin/pip install --quiet {extras}" in ci
    assert ".venv/bin/python -m pytest" in ci

"""Shared test settings: hypothesis profiles (CI runs the same number of examples)."""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The docs-site generator is documentation tooling (docs/docsite/), not part of the package:
# tests/test_docs.py imports it from there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs"))

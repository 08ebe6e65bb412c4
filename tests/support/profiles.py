"""Hypothesis profiles: ``ci`` (the default, what ./scripts/test runs) and ``large``
(by hand: ``HYPOTHESIS_PROFILE=large ./scripts/test``, or on one file with
``HYPOTHESIS_PROFILE=large .venv/bin/pytest tests/ledger/test_properties.py``).

Tests that set their own number of examples (a slow property, a fuzzer) take it
from ``examples(n)``: ``n`` in CI, ten times ``n`` with the large profile (and a
stateful test its steps from ``steps(n)``).
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1, "large": 10}
STEP_SCALE = {"ci": 1, "large": 3}

# Hypothesis's own default (100 examples) in CI; ten times as many, and longer
# stateful runs, by hand.
settings.register_profile("ci", max_examples=100)
settings.register_profile("large", max_examples=1000, stateful_step_count=150)


def load() -> None:
    if PROFILE not in SCALE:
        raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(SCALE)}")
    settings.load_profile(PROFILE)


def examples(ci: int) -> int:
    """The number of examples of a test that runs ``ci`` of them in CI."""
    return ci * SCALE[PROFILE]


def steps(ci: int) -> int:
    """The number of steps of a stateful test that runs ``ci`` of them in CI (three
    times as many with the large profile)."""
    return ci * STEP_SCALE[PROFILE]

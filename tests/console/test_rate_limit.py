"""The sign-in limiter (pure, on a clock the test moves)."""

from __future__ import annotations

import datetime as dt

from console.rate_limit import SignInLimiter

START = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def test_five_failures_within_the_window_lock_the_pair_for_the_lockout() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock)
    for _ in range(4):
        limiter.failed("Li", "10.0.0.1")
    assert limiter.locked_for("li", "10.0.0.1") is None
    limiter.failed("li", "10.0.0.1")
    assert limiter.locked_for("LI", "10.0.0.1") == dt.timedelta(minutes=15)
    assert limiter.locked_for("li", "10.0.0.2") is None  # another address
    clock.now += dt.timedelta(minutes=15)
    assert limiter.locked_for("li", "10.0.0.1") is None


def test_failures_older_than_the_window_do_not_count() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock)
    for _ in range(4):
        limiter.failed("li", "10.0.0.1")
    clock.now += dt.timedelta(minutes=16)
    limiter.failed("li", "10.0.0.1")
    assert limiter.locked_for("li", "10.0.0.1") is None


def test_many_usernames_from_one_address_lock_the_address() -> None:
    limiter = SignInLimiter(Clock())
    for number in range(20):
        limiter.failed(f"user{number}", "10.0.0.9")
    assert limiter.locked_for("someone-else", "10.0.0.9") is not None


def test_a_success_forgets_the_pairs_failures() -> None:
    limiter = SignInLimiter(Clock())
    for _ in range(4):
        limiter.failed("li", "10.0.0.1")
    limiter.succeeded("li", "10.0.0.1")
    limiter.failed("li", "10.0.0.1")
    assert limiter.locked_for("li", "10.0.0.1") is None

"""The in-process map the API answers from: entries live their seconds, the oldest
goes first when full, 0 seconds keeps nothing."""

from __future__ import annotations

import pytest

from adapters.cache import Expiring
from tests.support.clocks import HandTimer


def test_an_entry_lives_its_seconds_then_is_gone() -> None:
    clock = HandTimer(100.0)
    memory: Expiring[str, int] = Expiring(2.0, timer=clock)
    memory.put("a", 1)
    clock.now += 1.999
    assert memory.get("a") == 1
    clock.now += 0.001
    assert memory.get("a") is None


def test_putting_again_renews_the_entry() -> None:
    clock = HandTimer(100.0)
    memory: Expiring[str, int] = Expiring(2.0, timer=clock)
    memory.put("a", 1)
    clock.now += 1.5
    memory.put("a", 2)
    clock.now += 1.5
    assert memory.get("a") == 2


def test_when_full_the_oldest_entry_goes_first() -> None:
    memory: Expiring[int, int] = Expiring(60.0, size=3, timer=HandTimer(100.0))
    for n in range(4):
        memory.put(n, n)
    assert [memory.get(n) for n in range(4)] == [None, 1, 2, 3]


def test_zero_seconds_keeps_nothing() -> None:
    memory: Expiring[str, int] = Expiring(0.0, timer=HandTimer(100.0))
    memory.put("a", 1)
    assert memory.get("a") is None


def test_forget_and_clear() -> None:
    memory: Expiring[str, int] = Expiring(60.0, timer=HandTimer(100.0))
    memory.put("a", 1)
    memory.put("b", 2)
    memory.forget("a")
    assert (memory.get("a"), memory.get("b")) == (None, 2)
    memory.clear()
    assert memory.get("b") is None


def test_negative_seconds_are_refused() -> None:
    with pytest.raises(ValueError, match="seconds"):
        Expiring(-1.0)

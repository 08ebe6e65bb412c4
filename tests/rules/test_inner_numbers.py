from __future__ import annotations

from rules.inner_numbers import transfer_inner_no


def test_each_side_of_a_transfer_has_its_own_inner_number() -> None:
    assert transfer_inner_no("T-0001", "out") == "T-0001-OUT"
    assert transfer_inner_no("T-0001", "in") == "T-0001-IN"

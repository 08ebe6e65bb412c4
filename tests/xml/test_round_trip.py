"""Round trips, for any valid message of every type (hypothesis):

- model -> XML -> model is the identity;
- XML -> model -> XML gives the same bytes (the writer is stable);
- every document produced passes the project's own XSD (render checks it).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from adapters.xml.codec import KINDS, detect, parse, render
from adapters.xml.safe import parse_untrusted
from tests.support.message_strategies import message_strategy
from tests.support.profiles import examples

ROUND_TRIP = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("kind_index", range(len(KINDS)), ids=[k.type.value for k in KINDS])
def test_model_to_xml_to_model_is_the_identity_and_the_xml_is_stable(kind_index: int) -> None:
    kind = KINDS[kind_index]

    @ROUND_TRIP
    @given(message_strategy(kind_index))
    def round_trip(message: Any) -> None:
        written = render(message)  # raises SchemaViolation if the XSD disagrees
        assert detect(parse_untrusted(written)) == kind
        read = parse(written)
        assert read == message
        assert render(read) == written

    round_trip()

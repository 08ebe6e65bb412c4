"""Benchmark: customs messages through bondflow's codec against bare lxml, same bytes.

For an INV101 with 1,000 lines and a DecMessage with 50 lines, one *document* is:
render the model (which checks the project's XSD) and parse the bytes back into the
model (safe parser, binding, pydantic validation). The baseline in the same run is
plain lxml on the same bytes: ``etree.fromstring`` + ``etree.tostring``. Each
figure is the best of several rounds (the least disturbed by a noisy machine).

    python bench/xml.py            # full: about a minute
    python bench/xml.py --quick    # under half a minute

The last line is key=value figures: documents/s for each message, the lxml
baseline's documents/s, and their ratio; plus the share of time in each step.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named xml.py: keep its folder off the import path, or `import xml`
# anywhere would find it instead of the standard library.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

from lxml import etree  # noqa: E402

from adapters.xml.codec import CustomsMessage, kind_of, parse, render, to_element  # noqa: E402
from adapters.xml.safe import parse_untrusted  # noqa: E402
from adapters.xml.xsd import check_against_schema  # noqa: E402
from tests.support import messages  # noqa: E402


@dataclass(frozen=True)
class Plan:
    rounds: int
    seconds_per_round: float


FULL = Plan(rounds=7, seconds_per_round=1.0)
QUICK = Plan(rounds=3, seconds_per_round=0.4)


def rate(work: Callable[[], Any], plan: Plan) -> float:
    """Best-of-rounds operations per second."""
    work()  # warm caches (schemas, plans)
    best = 0.0
    for _ in range(plan.rounds):
        count = 0
        started = time.perf_counter()
        deadline = started + plan.seconds_per_round
        while True:
            work()
            count += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, count / (now - started))
    return best


def measure(name: str, message: CustomsMessage, plan: Plan) -> dict[str, float]:
    data = render(message)
    assert parse(data) == message, "the benchmark document must round-trip"
    kind = kind_of(message)
    root = parse_untrusted(data)

    def ours() -> None:
        parse(render(message))

    def bare_lxml() -> None:
        etree.tostring(etree.fromstring(data))

    figures = {
        f"{name}_bytes": float(len(data)),
        f"{name}_docs_per_s": rate(ours, plan),
        f"{name}_lxml_per_s": rate(bare_lxml, plan),
        # Where the time goes, each step alone.
        f"{name}_build_per_s": rate(lambda: to_element(message), plan),
        f"{name}_xsd_per_s": rate(lambda: check_against_schema(root, kind.type), plan),
        f"{name}_safe_parse_per_s": rate(lambda: parse_untrusted(data), plan),
        f"{name}_parse_per_s": rate(lambda: parse(data), plan),
    }
    figures[f"{name}_ratio"] = figures[f"{name}_docs_per_s"] / figures[f"{name}_lxml_per_s"]
    return figures


def _format(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    figures: dict[str, float] = {}
    cases = (
        ("inv101", messages.bonded_list(1000)),
        ("dec", messages.declaration(50)),
    )
    for name, message in cases:
        figures.update(measure(name, message, plan))
        print(
            f"{name}: {figures[f'{name}_docs_per_s']:.1f} documents/s "
            f"(render+XSD+parse), bare lxml {figures[f'{name}_lxml_per_s']:.1f}/s, "
            f"ratio {figures[f'{name}_ratio']:.4f}",
            flush=True,
        )
    summary = [f"mode={'quick' if args.quick else 'full'}"]
    summary += [f"{key}={_format(value)}" for key, value in figures.items()]
    summary.append(f"elapsed_s={time.perf_counter() - started:.0f}")
    print(" ".join(summary), flush=True)


if __name__ == "__main__":
    main()

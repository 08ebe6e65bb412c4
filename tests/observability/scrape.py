"""Reading a Prometheus scrape in tests: the value of one series, or the sum over the
series whose labels include the ones asked for."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Scrape:
    samples: tuple[tuple[str, dict[str, str], float], ...]

    @classmethod
    def of(cls, text: str) -> Scrape:
        return cls(
            tuple(
                (sample.name, dict(sample.labels), sample.value)
                for family in text_string_to_metric_families(text)
                for sample in family.samples
            )
        )

    def value(self, name: str, **labels: str) -> float:
        """The sum over the samples named ``name`` whose labels include ``labels``
        (0 when there is none: a counter never incremented is not exported)."""
        return sum(
            value
            for sample, have, value in self.samples
            if sample == name and all(have.get(k) == v for k, v in labels.items())
        )

    def has(self, name: str, **labels: str) -> bool:
        return any(
            sample == name and all(have.get(k) == v for k, v in labels.items())
            for sample, have, _ in self.samples
        )

    def labels(self, name: str, label: str) -> dict[str, float]:
        """Each value of ``label`` on the samples named ``name``, with its value."""
        return {have[label]: value for sample, have, value in self.samples if sample == name}

"""Column types that keep quantities, amounts and instants exact on every database.

SQLite has no decimal type (SQLAlchemy's Numeric stores binary floats there), so a
quantity is stored as a scaled integer: 12.34567 kg at scale 5 is 1234567. Integer
arithmetic and SUM are exact on SQLite and PostgreSQL alike, and conditional
updates (``posted - pending_out >= :q``) compare exactly. Values that need more
places than the column's scale are refused, never rounded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

from schemas.quantities import to_scaled_int


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as an integer count of 10**-scale units."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)
        self._factor: int = pow(10, scale)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if type(value) is Decimal and value.is_finite():  # the common case, first
            try:
                return to_scaled_int(value, self.scale)
            except ValueError:
                raise ValueError(f"{value} has more than {self.scale} decimal places") from None
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("refusing a float for an exact column: use Decimal")
        if isinstance(value, bool):
            raise TypeError("refusing a bool for an exact column")
        if isinstance(value, int):
            whole: int = value
            return whole * self._factor
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"expected a finite Decimal, got {value!r}")
        try:
            return to_scaled_int(value, self.scale)
        except ValueError:
            raise ValueError(f"{value} has more than {self.scale} decimal places") from None

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale).quantize(self._unit)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # Compare and add Decimals through this type, so they are scaled the same way.
        return self


class TextDecimal(TypeDecorator[Decimal]):
    """An exact Decimal stored as its canonical text (factors, rates, legal quantities).

    Up to 64 characters: a value that needs more is refused, on every database.
    """

    impl = String(64)
    cache_ok = True
    length = 64

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("refusing a float for an exact column: use Decimal")
        d = Decimal(value)
        if not d.is_finite():
            raise ValueError(f"expected a finite Decimal, got {value!r}")
        text = str(d)
        if len(text) > self.length:
            # Refuse here, alike on every database, rather than let one truncate or fail.
            raise ValueError(f"{text} needs more than {self.length} characters")
        return text

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware instants, stored in UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        utc = value.astimezone(dt.UTC)
        # SQLite keeps no zone: store naive UTC there, aware UTC elsewhere.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(dt.UTC)

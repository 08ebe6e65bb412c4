"""Import duties and taxes (进口关税、消费税、增值税) on goods leaving the zone for China.

A second-line exit for domestic sale (二线出区内销) pays what an import would pay:

- dutiable value (完税价格): CIF in CNY = (goods value + freight + insurance, in the
  declared currency) x the declared exchange rate, half-up to fen;
- duty (关税) = CIF x duty rate;
- ad valorem consumption tax (从价消费税) = (CIF + duty) / (1 - rate) x rate;
- import VAT (进口环节增值税) = (CIF + duty + consumption tax) x VAT rate (13 %, or 9 % for
  the listed goods such as agricultural products).

Each tax is computed exactly (as a fraction, whatever the number of digits) and rounded
half-up to fen (分) once; the next tax is computed on the rounded figure of the one
before, as the tax payment notice (税款缴款书) shows them.

Elective duty (选择性征收关税): goods made in the zone from imported materials may pay duty
either on the imported materials actually consumed (each at its own rate) or on the
finished goods (their CIF at their rate). Consumption tax and VAT follow the finished
goods whichever basis is chosen (VAT follows the goods): only the duty differs.
:func:`elective_duty` computes both bills and says which is cheaper.

Not modelled: specific (从量) and compound (复合) duties and consumption taxes, tariff
quotas, provisional and agreement rates as separate columns (the caller passes the rate
that applies), and duty rates of 100 % or more (e.g. the general rate 普通税率 of some
goods): rates are refused outside [0, 1).

All functions are pure. Bad input is refused with :class:`TaxInputError` (a ValueError)
naming the argument; a float or other non-Decimal is refused with TypeError.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from schemas.quantities import AMOUNT_PLACES, places_of

#: Money is rounded to fen (分): 2 places.
MONEY_PLACES: Final = AMOUNT_PLACES
#: Duty, consumption and VAT rates, and exchange rates, have at most 6 places.
RATE_PLACES: Final = 6
#: The standard import VAT rate, and the reduced one for the listed goods.
VAT_STANDARD: Final = Decimal("0.13")
VAT_REDUCED: Final = Decimal("0.09")

_ZERO: Final = Decimal("0.00")


class TaxInputError(ValueError):
    """An amount or rate that cannot be taxed: names the argument and the value."""

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(f"{argument}: {problem}")
        self.argument = argument
        self.problem = problem


# --- exact arithmetic ---------------------------------------------------------------------


def exact_decimal(value: Fraction) -> Decimal:
    """The fraction as a Decimal, exactly; ValueError if it has no finite decimal form.

    Built from its digits, so no Decimal context can round it.
    """
    denominator = value.denominator
    places = 0
    while denominator % 10 == 0:
        denominator //= 10
        places += 1
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal form")
    places += max(twos, fives)
    return _from_scaled(value * 10**places, places)


def half_up(value: Fraction, places: int = MONEY_PLACES) -> Decimal:
    """``value`` rounded half-up (ties away from zero) to ``places``, with exactly that many
    places (``Decimal("5.00")``), and no intermediate rounding."""
    scaled = abs(value) * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return _from_scaled(Fraction(-whole if value < 0 else whole), places)


def _from_scaled(scaled: Fraction, places: int) -> Decimal:
    assert scaled.denominator == 1
    whole = scaled.numerator
    digits = tuple(int(digit) for digit in str(abs(whole)))
    return Decimal((1 if whole < 0 else 0, digits, -places))


# --- checking input -----------------------------------------------------------------------


def _decimal(value: object, argument: str) -> Decimal:
    # A float has lost exactness before we see it; a bool is not a number here.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{argument}: give a Decimal, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise TaxInputError(argument, f"must be a finite number, got {number}")
    return number


def check_amount(value: Decimal, argument: str) -> Decimal:
    """A non-negative amount of money with at most 2 places (fen)."""
    number = _decimal(value, argument)
    if number < 0:
        raise TaxInputError(argument, f"must not be negative, got {number}")
    if places_of(number) > MONEY_PLACES:
        raise TaxInputError(argument, f"has more than {MONEY_PLACES} decimal places: {number}")
    return number


def check_rate(value: Decimal, argument: str) -> Decimal:
    """A rate at least 0 and below 1, with at most 6 places (13 % is ``Decimal("0.13")``)."""
    number = _decimal(value, argument)
    if not Decimal(0) <= number < Decimal(1):
        raise TaxInputError(argument, f"must be at least 0 and below 1, got {number}")
    if places_of(number) > RATE_PLACES:
        raise TaxInputError(argument, f"has more than {RATE_PLACES} decimal places: {number}")
    return number


def check_exchange_rate(value: Decimal, argument: str = "exchange_rate") -> Decimal:
    """CNY per unit of the declared currency: above 0, at most 6 places."""
    number = _decimal(value, argument)
    if number <= 0:
        raise TaxInputError(argument, f"must be greater than zero, got {number}")
    if places_of(number) > RATE_PLACES:
        raise TaxInputError(argument, f"has more than {RATE_PLACES} decimal places: {number}")
    return number


# --- the single taxes ---------------------------------------------------------------------


def cif_cny(
    goods_value: Decimal,
    exchange_rate: Decimal,
    *,
    freight: Decimal = Decimal(0),
    insurance: Decimal = Decimal(0),
) -> Decimal:
    """Dutiable value (完税价格) in CNY: (goods value + freight (运费) + insurance (保费)) x
    the declared exchange rate (CNY per unit of the currency), half-up to fen.

    The three amounts are in the declared currency, at most 2 places each.
    """
    total = (
        Fraction(check_amount(goods_value, "goods_value"))
        + Fraction(check_amount(freight, "freight"))
        + Fraction(check_amount(insurance, "insurance"))
    )
    return half_up(total * Fraction(check_exchange_rate(exchange_rate)))


def duty(cif: Decimal, rate: Decimal) -> Decimal:
    """Ad valorem duty (从价关税) = CIF x rate, half-up to fen."""
    return half_up(Fraction(check_amount(cif, "cif")) * Fraction(check_rate(rate, "rate")))


def consumption_tax(cif: Decimal, duty: Decimal, rate: Decimal) -> Decimal:
    """Ad valorem consumption tax (从价消费税) = (CIF + duty) / (1 - rate) x rate, half-up.

    The base is the composite assessable price (组成计税价格), which includes the tax
    itself; rate 0 (goods without consumption tax) gives 0.00.
    """
    base = Fraction(check_amount(cif, "cif")) + Fraction(check_amount(duty, "duty"))
    tax_rate = Fraction(check_rate(rate, "rate"))
    return half_up(base / (1 - tax_rate) * tax_rate)


def import_vat(cif: Decimal, duty: Decimal, consumption_tax: Decimal, rate: Decimal) -> Decimal:
    """Import VAT (进口环节增值税) = (CIF + duty + consumption tax) x rate, half-up to fen."""
    base = (
        Fraction(check_amount(cif, "cif"))
        + Fraction(check_amount(duty, "duty"))
        + Fraction(check_amount(consumption_tax, "consumption_tax"))
    )
    return half_up(base * Fraction(check_rate(rate, "rate")))


# --- a whole bill -------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxBill:
    """The taxes on one dutiable value (税款): each in fen, and the rates they came from.

    ``total`` is the tax payable: duty + consumption tax + VAT (the CIF is not a tax).
    ``duty_rate`` is None when the duty was computed line by line on the imported
    materials (elective duty on materials), each line at its own rate.
    """

    cif: Decimal
    duty: Decimal
    consumption_tax: Decimal
    vat: Decimal
    total: Decimal
    duty_rate: Decimal | None
    consumption_rate: Decimal
    vat_rate: Decimal

    def __post_init__(self) -> None:
        parts = Fraction(self.duty) + Fraction(self.consumption_tax) + Fraction(self.vat)
        if Fraction(self.total) != parts:
            raise ValueError(
                f"total {self.total} is not duty + consumption tax + VAT "
                f"({self.duty} + {self.consumption_tax} + {self.vat})"
            )


def _bill(
    cif: Decimal,
    duty_amount: Decimal,
    duty_rate: Decimal | None,
    consumption_rate: Decimal,
    vat_rate: Decimal,
) -> TaxBill:
    consumption = consumption_tax(cif, duty_amount, consumption_rate)
    vat = import_vat(cif, duty_amount, consumption, vat_rate)
    # The sum of fen amounts is itself in fen: half_up only fixes the form (2 places).
    total = half_up(Fraction(duty_amount) + Fraction(consumption) + Fraction(vat))
    return TaxBill(
        cif=cif,
        duty=duty_amount,
        consumption_tax=consumption,
        vat=vat,
        total=total,
        duty_rate=duty_rate,
        consumption_rate=consumption_rate,
        vat_rate=vat_rate,
    )


def tax_bill(
    cif: Decimal, *, duty_rate: Decimal, consumption_rate: Decimal, vat_rate: Decimal
) -> TaxBill:
    """Duty, consumption tax and VAT on ``cif`` (CNY), each half-up to fen, and their sum."""
    check_amount(cif, "cif")
    check_rate(duty_rate, "duty_rate")
    check_rate(consumption_rate, "consumption_rate")
    check_rate(vat_rate, "vat_rate")
    return _bill(cif, duty(cif, duty_rate), duty_rate, consumption_rate, vat_rate)


# --- elective duty (选择性征收关税) ---------------------------------------------------------


class DutyBasis(enum.StrEnum):
    """What the duty of goods made in the zone is levied on."""

    ON_MATERIALS = "materials"  # 按料件征税: the imported materials actually consumed
    ON_FINISHED_GOODS = "finished_goods"  # 按成品征税: the finished goods as sold


@dataclass(frozen=True)
class FinishedGoods:
    """Goods made in the zone and sold into China (内销成品): CIF in CNY, duty rate."""

    cif: Decimal
    duty_rate: Decimal

    def __post_init__(self) -> None:
        check_amount(self.cif, "FinishedGoods.cif")
        check_rate(self.duty_rate, "FinishedGoods.duty_rate")


@dataclass(frozen=True)
class MaterialConsumed:
    """Imported materials (进口料件) consumed by those goods: the CIF (CNY) of the quantity
    actually consumed, and the material's own duty rate."""

    cif: Decimal
    duty_rate: Decimal

    def __post_init__(self) -> None:
        check_amount(self.cif, "MaterialConsumed.cif")
        check_rate(self.duty_rate, "MaterialConsumed.duty_rate")


@dataclass(frozen=True)
class ElectiveDutyChoice:
    """Both bills of an elective-duty sale, and which one costs less.

    ``cheaper`` is the basis with the lower total (a tie goes to the finished goods, the
    ordinary basis); ``saving`` is how much less it costs than the other (0.00 on a tie).
    """

    finished: FinishedGoods
    materials: tuple[MaterialConsumed, ...]
    on_materials: TaxBill
    on_finished_goods: TaxBill
    cheaper: DutyBasis
    saving: Decimal

    def bill_for(self, basis: DutyBasis) -> TaxBill:
        """The bill if duty is levied on ``basis``."""
        if basis is DutyBasis.ON_MATERIALS:
            return self.on_materials
        return self.on_finished_goods


def materials_duty(materials: Sequence[MaterialConsumed]) -> Decimal:
    """Duty on the consumed materials: each line's duty half-up to fen, then summed."""
    lines = (duty(material.cif, material.duty_rate) for material in materials)
    return half_up(sum((Fraction(line) for line in lines), Fraction(0)))


def elective_duty(
    finished: FinishedGoods,
    materials: Sequence[MaterialConsumed],
    *,
    vat_rate: Decimal,
    consumption_rate: Decimal,
) -> ElectiveDutyChoice:
    """Tax bills with duty on the materials (A) and on the finished goods (B).

    A: duty = the sum of each consumed material's own duty (each rounded to fen).
    B: duty = finished CIF x finished duty rate.
    In both, consumption tax and VAT are on the FINISHED goods' CIF plus that basis's duty.
    An empty ``materials`` means no imported material was consumed: duty 0.00 on A.
    """
    for index, material in enumerate(materials):
        if not isinstance(material, MaterialConsumed):
            raise TypeError(
                f"materials[{index}]: give a MaterialConsumed, not {type(material).__name__}"
            )
    check_rate(vat_rate, "vat_rate")
    check_rate(consumption_rate, "consumption_rate")
    on_materials = _bill(finished.cif, materials_duty(materials), None, consumption_rate, vat_rate)
    on_finished = _bill(
        finished.cif,
        duty(finished.cif, finished.duty_rate),
        finished.duty_rate,
        consumption_rate,
        vat_rate,
    )
    # Fractions, not Decimal subtraction: a context would round totals of 29+ digits.
    difference = Fraction(on_finished.total) - Fraction(on_materials.total)
    cheaper = DutyBasis.ON_MATERIALS if difference > 0 else DutyBasis.ON_FINISHED_GOODS
    return ElectiveDutyChoice(
        finished=finished,
        materials=tuple(materials),
        on_materials=on_materials,
        on_finished_goods=on_finished,
        cheaper=cheaper,
        saving=half_up(abs(difference)),
    )

"""Import duties and taxes (关税、消费税、增值税) on goods sold from the zone into China.

- CIF in CNY (完税价格) = (goods value + freight + insurance) x exchange rate, half-up to fen;
- duty = CIF x duty rate, half-up to fen;
- consumption tax = (CIF + duty) / (1 - rate) x rate, half-up to fen;
- VAT = (CIF + duty + consumption tax) x VAT rate (13 %, 9 % for listed goods), half-up;
- the total is the tax payable: duty + consumption tax + VAT.

Every figure is computed exactly (as a fraction) and rounded once, half-up, whatever the
number of digits: never a float, never a Decimal context that rounds at 28 digits.

Elective duty (选择性征收关税): goods made in the zone pay duty either on the imported
materials consumed or on the finished goods; consumption tax and VAT follow the finished
goods in both cases, so only the duty (and what is computed on it) differs.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.taxes import (
    VAT_REDUCED,
    VAT_STANDARD,
    DutyBasis,
    FinishedGoods,
    MaterialConsumed,
    TaxBill,
    TaxInputError,
    cif_cny,
    consumption_tax,
    duty,
    elective_duty,
    import_vat,
    materials_duty,
    tax_bill,
)

D = Decimal

amounts = st.decimals(min_value=D(0), max_value=D("999999999999.99"), places=2)
rates = st.decimals(min_value=D(0), max_value=D("0.999999"), places=6)
# Rates as a tariff has them: 0 to 65 %, whole tenths of a percent.
tariff_rates = st.decimals(min_value=D(0), max_value=D("0.65"), places=3)
vat_rates = st.sampled_from([VAT_STANDARD, VAT_REDUCED])


def half_up(value: Fraction, places: int = 2) -> Decimal:
    """Reference rounding for the tests: exact rational (>= 0) half-up to `places`.

    Built from text (exact), not with scaleb(), which rounds to the context's 28 digits.
    """
    return Decimal(f"{math.floor(value * 10**places + Fraction(1, 2))}E-{places}")


def assert_fen(value: Decimal) -> None:
    """Money comes back with exactly 2 places: 5.00, not 5 or 5.000."""
    assert value.as_tuple().exponent == -2, value


# --- the worked examples ----------------------------------------------------------------------


def test_whisky_pays_duty_consumption_tax_and_vat() -> None:
    """Whisky (威士忌), CIF 10,000.00 CNY; duty 5 %, consumption tax 20 %, VAT 13 %.

    duty        = 10,000.00 x 0.05                          =    500.00
    consumption = (10,000.00 + 500.00) / (1 - 0.20) x 0.20
                = 10,500.00 / 0.8 x 0.2 = 13,125.00 x 0.2   =  2,625.00
    VAT         = (10,000.00 + 500.00 + 2,625.00) x 0.13
                = 13,125.00 x 0.13                          =  1,706.25
    total       = 500.00 + 2,625.00 + 1,706.25              =  4,831.25
    """
    bill = tax_bill(
        D("10000.00"), duty_rate=D("0.05"), consumption_rate=D("0.20"), vat_rate=D("0.13")
    )
    assert bill == TaxBill(
        cif=D("10000.00"),
        duty=D("500.00"),
        consumption_tax=D("2625.00"),
        vat=D("1706.25"),
        total=D("4831.25"),
        duty_rate=D("0.05"),
        consumption_rate=D("0.20"),
        vat_rate=D("0.13"),
    )
    # The same figures, one tax at a time.
    assert duty(D("10000.00"), D("0.05")) == D("500.00")
    assert consumption_tax(D("10000.00"), D("500.00"), D("0.20")) == D("2625.00")
    assert import_vat(D("10000.00"), D("500.00"), D("2625.00"), D("0.13")) == D("1706.25")
    for figure in (bill.duty, bill.consumption_tax, bill.vat, bill.total):
        assert_fen(figure)


def test_pv_modules_pay_vat_only() -> None:
    """PV modules (光伏组件), CIF 100,000.00: duty 0 %, no consumption tax, VAT 13 %.

    VAT = 100,000.00 x 0.13 = 13,000.00 = the total.
    """
    bill = tax_bill(D("100000.00"), duty_rate=D(0), consumption_rate=D(0), vat_rate=VAT_STANDARD)
    assert (bill.duty, bill.consumption_tax, bill.vat, bill.total) == (
        D("0.00"),
        D("0.00"),
        D("13000.00"),
        D("13000.00"),
    )
    assert_fen(bill.duty)


def test_listed_goods_pay_vat_at_9_percent() -> None:
    """Natural honey (天然蜂蜜), CIF 20,000.00: duty 15 %, VAT 9 % (listed goods).

    duty = 20,000.00 x 0.15 = 3,000.00; VAT = 23,000.00 x 0.09 = 2,070.00; total 5,070.00.
    """
    bill = tax_bill(D("20000.00"), duty_rate=D("0.15"), consumption_rate=D(0), vat_rate=VAT_REDUCED)
    assert (bill.duty, bill.vat, bill.total) == (D("3000.00"), D("2070.00"), D("5070.00"))


def test_cif_in_cny_from_a_foreign_currency_invoice() -> None:
    """USD 12,345.67 goods + 300.00 freight + 45.33 insurance = USD 12,691.00;
    x 7.1234 CNY/USD = 90,403.0694 CNY (12,691 x 7 = 88,837; 12,691 x 0.1234 = 1,566.0694),
    half-up to fen: 90,403.07."""
    value = cif_cny(D("12345.67"), D("7.1234"), freight=D("300.00"), insurance=D("45.33"))
    assert value == D("90403.07")
    assert_fen(value)


def test_cif_in_cny_needs_no_freight_or_insurance() -> None:
    """EUR 1,000.00 x 7.856789 = 7,856.789 -> 7,856.79 (half-up)."""
    assert cif_cny(D("1000.00"), D("7.856789")) == D("7856.79")


# --- rounding half-up to fen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cif", "rate", "expected"),
    [
        ("0.50", "0.01", "0.01"),  # 0.005: half-up rounds the tie up (half-even: 0.00)
        ("2.50", "0.01", "0.03"),  # 0.025 -> 0.03 (half-even: 0.02)
        ("1.50", "0.03", "0.05"),  # 0.045 -> 0.05 (half-even: 0.04)
        ("0.49", "0.01", "0.00"),  # 0.0049 -> 0.00
        ("0.51", "0.01", "0.01"),  # 0.0051 -> 0.01
        ("100", "0", "0.00"),  # a whole number in, fen out
    ],
)
def test_duty_is_rounded_half_up_at_the_fen(cif: str, rate: str, expected: str) -> None:
    value = duty(D(cif), D(rate))
    assert value == D(expected)
    assert_fen(value)


def test_vat_and_consumption_tax_are_rounded_half_up_too() -> None:
    """VAT 0.50 x 0.09 = 0.045 -> 0.05. Consumption tax (0.06 + 0.00) / 0.75 x 0.25
    = 0.02 exactly; (0.03 + 0.00) / (1 - 0.142857) x 0.142857 = 0.004999... -> 0.00."""
    assert import_vat(D("0.50"), D(0), D(0), D("0.09")) == D("0.05")
    assert consumption_tax(D("0.06"), D(0), D("0.25")) == D("0.02")
    assert consumption_tax(D("0.03"), D(0), D("0.142857")) == D("0.00")


def test_each_tax_is_computed_on_the_rounded_tax_before_it() -> None:
    """Duty 1.50 x 0.03 = 0.045 -> 0.05 (as the payment notice shows it); VAT is then
    (1.50 + 0.05) x 0.13 = 0.2015 -> 0.20, on the rounded duty, not on 0.045."""
    bill = tax_bill(D("1.50"), duty_rate=D("0.03"), consumption_rate=D(0), vat_rate=D("0.13"))
    assert (bill.duty, bill.vat, bill.total) == (D("0.05"), D("0.20"), D("0.25"))


def test_consumption_rate_zero_gives_no_consumption_tax() -> None:
    assert consumption_tax(D("12345.67"), D("1234.57"), D(0)) == D("0.00")


# --- exactness ----------------------------------------------------------------------------------


def test_long_amounts_are_computed_exactly() -> None:
    """30 significant digits: Decimal's default context (28 digits) would round the product
    before the fen; the exact fraction is rounded once."""
    cif = D("1234567890123456789012345678.91")
    rate = D("0.123457")
    expected = half_up(Fraction(cif) * Fraction(rate))
    assert duty(cif, rate) == expected == D("152416048010971604801097160.48")
    assert cif * rate != expected  # what a context-rounded Decimal product would give

    consumption = consumption_tax(cif, expected, D("0.3"))
    assert consumption == half_up((Fraction(cif) + Fraction(expected)) / Fraction(7, 10) * 3 / 10)
    vat = import_vat(cif, expected, consumption, D("0.13"))
    assert vat == half_up((Fraction(cif) + Fraction(expected) + Fraction(consumption)) * 13 / 100)

    bill = tax_bill(cif, duty_rate=rate, consumption_rate=D("0.3"), vat_rate=D("0.13"))
    assert Fraction(bill.total) == Fraction(expected) + Fraction(consumption) + Fraction(vat)


def test_long_invoice_values_are_converted_exactly() -> None:
    goods = D("98765432109876543210987654.32")
    rate = D("7.123457")
    expected = half_up((Fraction(goods) + Fraction(1, 100)) * Fraction(rate))
    assert cif_cny(goods, rate, freight=D("0.01")) == expected


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: duty(D("-0.01"), D("0.1")), "cif"),
        (lambda: duty(D("1.001"), D("0.1")), "cif"),  # 3 places
        (lambda: duty(D("NaN"), D("0.1")), "cif"),
        (lambda: duty(D("1.00"), D(1)), "rate"),  # 100 % is outside [0, 1)
        (lambda: duty(D("1.00"), D("-0.01")), "rate"),
        (lambda: duty(D("1.00"), D("0.1234567")), "rate"),  # 7 places
        (lambda: consumption_tax(D(1), D("-1"), D("0.1")), "duty"),
        (lambda: consumption_tax(D(1), D(0), D(1)), "rate"),  # (1 - rate) would be 0
        (lambda: import_vat(D(1), D(0), D("0.001"), D("0.13")), "consumption_tax"),
        (lambda: cif_cny(D("-1"), D("7")), "goods_value"),
        (lambda: cif_cny(D(1), D(0)), "exchange_rate"),
        (lambda: cif_cny(D(1), D("-7.1")), "exchange_rate"),
        (lambda: cif_cny(D(1), D("7.1234567")), "exchange_rate"),
        (lambda: cif_cny(D(1), D(7), freight=D("0.001")), "freight"),
        (lambda: cif_cny(D(1), D(7), insurance=D("-0.01")), "insurance"),
        (
            lambda: tax_bill(D(1), duty_rate=D(0), consumption_rate=D(0), vat_rate=D("1.13")),
            "vat_rate",
        ),
        (
            lambda: tax_bill(D(1), duty_rate=D(0), consumption_rate=D(2), vat_rate=D("0.13")),
            "consumption_rate",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_argument(call: object, argument: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=rf"^{argument}: ") as caught:
        call()
    assert isinstance(caught.value, TaxInputError)
    assert caught.value.argument == argument


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="cif: give a Decimal, not float"):
        duty(0.1, D("0.1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rate: give a Decimal, not float"):
        duty(D(1), 0.1)  # type: ignore[arg-type]


def test_a_bill_whose_total_is_not_the_sum_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="total"):
        TaxBill(
            cif=D(100),
            duty=D(10),
            consumption_tax=D(0),
            vat=D(13),
            total=D(24),
            duty_rate=D("0.1"),
            consumption_rate=D(0),
            vat_rate=D("0.13"),
        )


# --- elective duty (选择性征收关税) -----------------------------------------------------------


def test_elective_duty_on_materials_is_cheaper() -> None:
    """Modules assembled in the zone, sold into China for CIF 100,000.00 at a finished-goods
    duty rate of 10 % (illustrative), VAT 13 %, no consumption tax. Imported materials
    consumed: glass 20,000.00 at 10 % = 2,000.00; EVA film 10,000.00 at 6.5 % = 650.00;
    frames 15,000.00 at 7 % = 1,050.00.

    On materials:      duty 3,700.00; VAT (100,000 + 3,700) x 0.13 = 13,481.00;
                       total 17,181.00
    On finished goods: duty 10,000.00; VAT 110,000 x 0.13 = 14,300.00; total 24,300.00
    Cheaper: on materials, saving 24,300.00 - 17,181.00 = 7,119.00 (= 6,300 x 1.13).
    """
    choice = elective_duty(
        FinishedGoods(cif=D("100000.00"), duty_rate=D("0.10")),
        [
            MaterialConsumed(cif=D("20000.00"), duty_rate=D("0.10")),
            MaterialConsumed(cif=D("10000.00"), duty_rate=D("0.065")),
            MaterialConsumed(cif=D("15000.00"), duty_rate=D("0.07")),
        ],
        vat_rate=VAT_STANDARD,
        consumption_rate=D(0),
    )
    assert (choice.on_materials.duty, choice.on_materials.vat, choice.on_materials.total) == (
        D("3700.00"),
        D("13481.00"),
        D("17181.00"),
    )
    assert choice.on_materials.duty_rate is None  # line by line, each at its own rate
    finished = choice.on_finished_goods
    assert (finished.duty, finished.vat, finished.total) == (
        D("10000.00"),
        D("14300.00"),
        D("24300.00"),
    )
    assert finished.duty_rate == D("0.10")
    assert choice.cheaper is DutyBasis.ON_MATERIALS
    assert choice.saving == D("7119.00")
    assert choice.bill_for(choice.cheaper) is choice.on_materials


def test_elective_duty_on_finished_goods_is_cheaper() -> None:
    """PV modules (0 % duty) made from duty-free cells (50,000.00 at 0 %) and glass
    (20,000.00 at 10 % = 2,000.00); finished CIF 100,000.00, VAT 13 %.

    On materials:      duty 2,000.00; VAT 102,000 x 0.13 = 13,260.00; total 15,260.00
    On finished goods: duty 0.00;     VAT 100,000 x 0.13 = 13,000.00; total 13,000.00
    Cheaper: on finished goods, saving 2,260.00.
    """
    choice = elective_duty(
        FinishedGoods(cif=D("100000.00"), duty_rate=D(0)),
        [
            MaterialConsumed(cif=D("50000.00"), duty_rate=D(0)),
            MaterialConsumed(cif=D("20000.00"), duty_rate=D("0.10")),
        ],
        vat_rate=VAT_STANDARD,
        consumption_rate=D(0),
    )
    assert choice.on_materials.total == D("15260.00")
    assert choice.on_finished_goods.total == D("13000.00")
    assert choice.cheaper is DutyBasis.ON_FINISHED_GOODS
    assert choice.saving == D("2260.00")
    assert choice.bill_for(DutyBasis.ON_FINISHED_GOODS) is choice.on_finished_goods


def test_elective_duty_consumption_tax_and_vat_follow_the_finished_goods() -> None:
    """Whisky blended in the zone: finished CIF 10,000.00 at 5 % duty; imported malt spirit
    consumed 6,000.00 at 10 % = 600.00; consumption tax 20 %, VAT 13 %. Both bills tax the
    FINISHED CIF 10,000.00 plus their own duty:

    On materials:      consumption (10,000 + 600) / 0.8 x 0.2 = 2,650.00;
                       VAT (10,000 + 600 + 2,650) x 0.13 = 13,250 x 0.13 = 1,722.50;
                       total 600.00 + 2,650.00 + 1,722.50 = 4,972.50
    On finished goods: the whisky bill above: 500.00 + 2,625.00 + 1,706.25 = 4,831.25
    Cheaper: on finished goods, saving 141.25.
    """
    choice = elective_duty(
        FinishedGoods(cif=D("10000.00"), duty_rate=D("0.05")),
        [MaterialConsumed(cif=D("6000.00"), duty_rate=D("0.10"))],
        vat_rate=D("0.13"),
        consumption_rate=D("0.20"),
    )
    on_materials = choice.on_materials
    assert on_materials.cif == D("10000.00")  # the finished goods' CIF, not the materials'
    assert (on_materials.consumption_tax, on_materials.vat, on_materials.total) == (
        D("2650.00"),
        D("1722.50"),
        D("4972.50"),
    )
    assert choice.on_finished_goods.total == D("4831.25")
    assert choice.cheaper is DutyBasis.ON_FINISHED_GOODS
    assert choice.saving == D("141.25")


def test_a_tie_goes_to_the_finished_goods() -> None:
    """No duty either way: 0.00 = 0.00, so the ordinary basis, saving 0.00."""
    choice = elective_duty(
        FinishedGoods(cif=D("1000.00"), duty_rate=D(0)),
        [MaterialConsumed(cif=D("600.00"), duty_rate=D(0))],
        vat_rate=VAT_STANDARD,
        consumption_rate=D(0),
    )
    assert choice.cheaper is DutyBasis.ON_FINISHED_GOODS
    assert choice.saving == D("0.00")


def test_material_duty_is_rounded_per_line_then_summed() -> None:
    """Two lines of 0.50 at 1 %: 0.005 -> 0.01 each, 0.02 in all (rounding the sum
    1.00 x 1 % would give 0.01)."""
    lines = [MaterialConsumed(cif=D("0.50"), duty_rate=D("0.01"))] * 2
    assert materials_duty(lines) == D("0.02")
    assert materials_duty([]) == D("0.00")


def test_no_imported_materials_means_no_duty_on_materials() -> None:
    choice = elective_duty(
        FinishedGoods(cif=D("1000.00"), duty_rate=D("0.08")),
        [],
        vat_rate=VAT_STANDARD,
        consumption_rate=D(0),
    )
    assert choice.on_materials.duty == D("0.00")
    assert choice.cheaper is DutyBasis.ON_MATERIALS
    assert choice.saving == D("90.40")  # duty 80.00 + VAT on it 10.40


def test_duty_basis_values() -> None:
    assert DutyBasis.ON_MATERIALS.value == "materials"
    assert DutyBasis.ON_FINISHED_GOODS.value == "finished_goods"
    assert DutyBasis("materials") is DutyBasis.ON_MATERIALS


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda: FinishedGoods(cif=D("-1"), duty_rate=D(0)), "FinishedGoods.cif"),
        (lambda: FinishedGoods(cif=D(1), duty_rate=D(1)), "FinishedGoods.duty_rate"),
        (lambda: MaterialConsumed(cif=D("0.001"), duty_rate=D(0)), "MaterialConsumed.cif"),
        (lambda: MaterialConsumed(cif=D(1), duty_rate=D("-0.1")), "MaterialConsumed.duty_rate"),
    ],
)
def test_bad_goods_and_materials_are_refused(make: object, argument: str) -> None:
    assert callable(make)
    with pytest.raises(TaxInputError, match=rf"^{argument}: "):
        make()


def test_elective_duty_refuses_bad_rates() -> None:
    goods = FinishedGoods(cif=D(1), duty_rate=D(0))
    with pytest.raises(TaxInputError, match=r"^vat_rate: "):
        elective_duty(goods, [], vat_rate=D(1), consumption_rate=D(0))
    with pytest.raises(TaxInputError, match=r"^consumption_rate: "):
        elective_duty(goods, [], vat_rate=D("0.13"), consumption_rate=D("-0.2"))


# --- properties ---------------------------------------------------------------------------------


@given(cif=amounts, duty_rate=rates, consumption_rate=rates, vat_rate=rates)
def test_the_total_is_the_sum_of_the_parts_and_each_part_is_exact(
    cif: Decimal, duty_rate: Decimal, consumption_rate: Decimal, vat_rate: Decimal
) -> None:
    bill = tax_bill(cif, duty_rate=duty_rate, consumption_rate=consumption_rate, vat_rate=vat_rate)
    assert bill.total == bill.duty + bill.consumption_tax + bill.vat
    assert bill.duty == half_up(Fraction(cif) * Fraction(duty_rate))
    base = Fraction(cif) + Fraction(bill.duty)
    rate = Fraction(consumption_rate)
    assert bill.consumption_tax == half_up(base / (1 - rate) * rate)
    assert bill.vat == half_up((base + Fraction(bill.consumption_tax)) * Fraction(vat_rate))
    for figure in (bill.duty, bill.consumption_tax, bill.vat, bill.total):
        assert_fen(figure)


@given(first=amounts, second=amounts, rate=rates)
def test_duty_never_falls_when_the_cif_rises(
    first: Decimal, second: Decimal, rate: Decimal
) -> None:
    low, high = sorted((first, second))
    assert duty(low, rate) <= duty(high, rate)


@given(
    finished_cif=amounts,
    finished_rate=tariff_rates,
    materials=st.lists(st.tuples(amounts, tariff_rates), max_size=5),
    vat_rate=vat_rates,
    consumption_rate=st.sampled_from([D(0), D("0.1"), D("0.2")]),
)
def test_the_cheaper_basis_really_costs_less(
    finished_cif: Decimal,
    finished_rate: Decimal,
    materials: list[tuple[Decimal, Decimal]],
    vat_rate: Decimal,
    consumption_rate: Decimal,
) -> None:
    finished = FinishedGoods(cif=finished_cif, duty_rate=finished_rate)
    consumed = [MaterialConsumed(cif=cif, duty_rate=rate) for cif, rate in materials]
    choice = elective_duty(finished, consumed, vat_rate=vat_rate, consumption_rate=consumption_rate)
    other = (
        DutyBasis.ON_FINISHED_GOODS
        if choice.cheaper is DutyBasis.ON_MATERIALS
        else DutyBasis.ON_MATERIALS
    )
    cheaper, dearer = choice.bill_for(choice.cheaper), choice.bill_for(other)
    assert cheaper.total <= dearer.total
    if cheaper.total == dearer.total:
        assert choice.cheaper is DutyBasis.ON_FINISHED_GOODS
    assert choice.saving == dearer.total - cheaper.total
    # Both bills tax the finished goods: same CIF and rates; only the duty differs, and
    # the consumption tax and VAT are those of that duty.
    for bill in (choice.on_materials, choice.on_finished_goods):
        assert bill.cif == finished_cif
        assert (bill.consumption_rate, bill.vat_rate) == (consumption_rate, vat_rate)
        assert bill.consumption_tax == consumption_tax(finished_cif, bill.duty, consumption_rate)
        assert bill.vat == import_vat(finished_cif, bill.duty, bill.consumption_tax, vat_rate)
    assert choice.on_materials.duty == materials_duty(consumed)
    assert choice.on_finished_goods == tax_bill(
        finished_cif,
        duty_rate=finished_rate,
        consumption_rate=consumption_rate,
        vat_rate=vat_rate,
    )

"""Legal quantities (法定数量) from a declared quantity, exactly.

An item is declared in its declared unit; customs also wants the quantity in the
first and (for some HS codes) second legal unit. The book item registers a
conversion factor for each, and the legal quantity is declared x factor, computed
exactly: a product that Decimal cannot hold exactly is an error, never rounded.
"""

from decimal import Context, Decimal, Inexact, localcontext

_EXACT = Context(prec=60, traps=[Inexact])


def convert_exactly(quantity: Decimal, factor: Decimal) -> Decimal:
    """quantity x factor, raising decimal.Inexact if the product needs rounding."""
    with localcontext(_EXACT):
        return quantity * factor


def legal_quantities(
    declared: Decimal, first_factor: Decimal, second_factor: Decimal | None
) -> tuple[Decimal, Decimal | None]:
    first = convert_exactly(declared, first_factor)
    second = None if second_factor is None else convert_exactly(declared, second_factor)
    return first, second

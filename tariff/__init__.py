"""Tariff rates (税率) as dated, editable data shipped with bondflow.

Each HS code (商品编号, 10 digits) has its import duty rate (关税), ad valorem consumption
tax rate (消费税) and import VAT rate (增值税) for a period from an effective-from date to
an optional effective-to date. The rates are a CSV file, ``tariff/data/rates.csv`` (see
its README.md); a deployment may load its own edited copy with ``TariffTable.load(path)``.
The taxes themselves are computed by :mod:`rules.taxes`.
"""

from tariff.rates import (
    COLUMNS,
    HS_CODE,
    TariffFileError,
    TariffRate,
    TariffTable,
    UnknownTariff,
    default_tariff,
)

__all__ = [
    "COLUMNS",
    "HS_CODE",
    "TariffFileError",
    "TariffRate",
    "TariffTable",
    "UnknownTariff",
    "default_tariff",
]

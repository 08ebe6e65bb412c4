"""The demo's enterprises (区内企业) in the Xining Comprehensive Bonded Zone."""

from __future__ import annotations

from demo import ids
from masterdata import MasterData
from rules.credit_code import build_credit_code
from schemas.codes import EnterpriseRole
from schemas.masterdata import EnterpriseIn

ENTERPRISES = (
    EnterpriseIn(
        customs_code=ids.SOLAR_CUSTOMS_CODE,
        credit_code=build_credit_code("91", "630100", "MA7XN0A1"),
        name="青海天合光能科技有限公司",  # a PV module maker, modelled on Trina Solar
        roles=frozenset({EnterpriseRole.MANUFACTURER}),
    ),
    EnterpriseIn(
        customs_code=ids.COLD_CHAIN_CUSTOMS_CODE,
        credit_code=build_credit_code("91", "630100", "MA7XN0B2"),
        name="青海高原冷链物流有限公司",  # imports plateau honey and Nepalese herbs
        roles=frozenset({EnterpriseRole.LOGISTICS, EnterpriseRole.TRADER}),
    ),
    EnterpriseIn(
        customs_code=ids.AGENT_CUSTOMS_CODE,
        credit_code=build_credit_code("91", "630104", "MA7XN0C3"),
        name="西宁综保通关服务有限公司",  # 报关企业: files for both
        roles=frozenset({EnterpriseRole.DECLARING_AGENT}),
    ),
)


def register_enterprises(md: MasterData) -> None:
    for enterprise in ENTERPRISES:
        md.register_enterprise(enterprise)

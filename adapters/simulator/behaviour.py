"""How the simulated customs behaves: rates, delays, weight noise and the seed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

Rate = Annotated[float, Field(ge=0, le=1)]
"""A share of documents, from 0 (never) to 1 (every one)."""

DEFAULT_SEED: Final = 20261128


class SimulatorBehaviour(BaseModel):
    """Reproducible: the same seed and the same documents give the same answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = DEFAULT_SEED
    manual_review_rate: Rate = 0.1  # 转人工审核
    return_rate: Rate = 0.05  # 退单 with a reason, for a valid list
    inspection_rate: Rate = 0.1  # 查验 of a declaration
    gate_inspection_rate: Rate = 0.0  # SAS224 at the gate
    # A gate pass returned (SAS221 3) because the vehicle does not match the gate's
    # registration; a pass is returned at most once, its re-filing is approved.
    gate_return_rate: Rate = 0.0
    # The gate scale's reading differs from the declared total by up to this, either way.
    weight_noise_kg: Decimal = Field(Decimal("20"), ge=0)
    # A vehicle whose scale reading is far off the declared total (see
    # ``office.HELD_WEIGHT_SHARE``): beyond any tolerance, so the engine holds it.
    weight_hold_rate: Rate = 0.0
    # Seconds between one document's consecutive receipts (0: all at once).
    receipt_delay_seconds: float = Field(0.0, ge=0)
    # How long customs' inspection (查验) takes: the receipts after the inspection
    # notice (duties, the release) come this much later (0: at once). Customs releases
    # only once the goods were inspected; with 0, a release may reach the engine in the
    # same pass as the notice, and a release wins over an inspection it follows.
    inspection_seconds: float = Field(0.0, ge=0)
    # Share of receipts written inside the xmldsig wrapper (the rest as a bare Package).
    xmldsig_share: Rate = 0.5
    customs_sender_id: str = "CUS0000"  # real receipts' sender_id
    # Share of INV211 receipts that carry a result block (HdeApprResult): real ones
    # carry none, some producers add one; both must work.
    posting_result_share: Rate = 0.5
    # Share of declaration receipts (DecImportResponse, DEC_RESULT) delivered inside the
    # DXP transport envelope (DxpMsg, payload in base64), as the single window's DXP
    # node hands them on; the rest as the bare message.
    dxp_share: Rate = 0.3

    @classmethod
    def always_approve(cls, seed: int = 1) -> SimulatorBehaviour:
        """No manual review, no returns, no inspection, exact weights: for demos."""
        return cls(
            seed=seed,
            manual_review_rate=0,
            return_rate=0,
            inspection_rate=0,
            gate_inspection_rate=0,
            gate_return_rate=0,
            weight_noise_kg=Decimal(0),
            weight_hold_rate=0,
        )


class HumanPaths(BaseModel):
    """How often the simulator of a trial stack (`bondflow up`) takes the paths that need
    a person; otherwise it approves. A person trying the stack sees returned lists and
    gate passes (退单: the filer corrects), inspections (查验: the liaison records the
    result) and weight holds at the gate (the liaison decides)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    returns: Rate = 0.0  # lists and gate passes returned once for correction
    inspections: Rate = 0.0  # declarations sent to inspection
    weight_holds: Rate = 0.0  # vehicles whose scale reading is far off the declared weight
    seed: int = DEFAULT_SEED

    @property
    def always_approves(self) -> bool:
        return self.returns == self.inspections == self.weight_holds == 0

    def describe(self) -> str:
        """For a person: "always approves", or the shares of each path and the seed."""
        if self.always_approves:
            return "always approves"
        shares = (
            ("returns", self.returns),
            ("inspections", self.inspections),
            ("weight holds", self.weight_holds),
        )
        paths = ", ".join(f"{name} {rate * 100:g}%" for name, rate in shares if rate)
        return f"{paths} (seed {self.seed}), approves the rest"

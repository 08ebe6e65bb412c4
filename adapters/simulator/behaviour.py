"""How the simulated customs behaves: rates, delays, weight noise and the seed."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class SimulatorBehaviour(BaseModel):
    """Reproducible: the same seed and the same documents give the same answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 20261128
    manual_review_rate: float = Field(0.1, ge=0, le=1)  # 转人工审核
    return_rate: float = Field(0.05, ge=0, le=1)  # 退单 with a reason, for a valid list
    inspection_rate: float = Field(0.1, ge=0, le=1)  # 查验 of a declaration
    gate_inspection_rate: float = Field(0.0, ge=0, le=1)  # SAS224 at the gate
    # A gate pass returned (SAS221 3) because the vehicle does not match the gate's
    # registration; a pass is returned at most once, its re-filing is approved.
    gate_return_rate: float = Field(0.0, ge=0, le=1)
    # The gate scale's reading differs from the declared total by up to this, either way.
    weight_noise_kg: Decimal = Field(Decimal("20"), ge=0)
    # Seconds between one document's consecutive receipts (0: all at once).
    receipt_delay_seconds: float = Field(0.0, ge=0)
    # Share of receipts written inside the xmldsig wrapper (the rest as a bare Package).
    xmldsig_share: float = Field(0.5, ge=0, le=1)
    customs_sender_id: str = "DXPEDCCEB0000002"

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
        )

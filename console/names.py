"""The words people read for the engine's codes: lifecycles, stages and the roles
people act in (工作流类型, 阶段, 角色), one table each, translated where shown. Every
page that names one of them takes it from here."""

from __future__ import annotations

from typing import Final

from console.i18n import N_
from schemas.lifecycle import Lifecycle, Role, Stage

LIFECYCLE_NAMES: Final[dict[Lifecycle, str]] = {
    Lifecycle.FIRST_LINE_ENTRY: N_("first-line entry"),
    Lifecycle.SECOND_LINE_ENTRY: N_("second-line entry"),
    Lifecycle.EXPORT: N_("export"),
    Lifecycle.DOMESTIC_SALE: N_("domestic sale"),
    Lifecycle.PROCESSING: N_("processing"),
    Lifecycle.TRANSFER: N_("in-zone transfer"),
    Lifecycle.STOCKTAKE: N_("stocktake"),
}

STAGE_NAMES: Final[dict[Stage, str]] = {
    Stage.VALIDATING: N_("validating"),
    Stage.AWAITING_SIGN_OFF: N_("awaiting sign-off"),
    Stage.RESERVING: N_("reserving"),
    Stage.DECLARING: N_("declaring"),
    Stage.AWAITING_REVIEW: N_("awaiting customs' review"),
    Stage.MANUAL_REVIEW: N_("manual review"),
    Stage.RETURNED: N_("returned"),
    Stage.AWAITING_RELEASE: N_("awaiting release"),
    Stage.INSPECTION: N_("inspection"),
    Stage.AWAITING_GATE: N_("awaiting the gate"),
    Stage.GATE_PASS_RETURNED: N_("gate pass returned"),
    Stage.AWAITING_PAYMENT: N_("awaiting payment"),
    Stage.WEIGHT_HOLD: N_("weight hold"),
    Stage.NORM_DEVIATION: N_("norm deviation"),
    Stage.COUNTING: N_("counting"),
    Stage.DIFFERENCE_REVIEW: N_("difference review"),
    Stage.POSTING: N_("posting"),
    Stage.AWAITING_DEPARTURE: N_("awaiting departure"),
    Stage.COMPLETED: N_("completed"),
    Stage.CANCELLED: N_("cancelled"),
}

ACTOR_ROLE_NAMES: Final[dict[Role, str]] = {
    Role.FILER: N_("filer"),
    Role.LIAISON: N_("liaison"),
    Role.AUDITOR: N_("auditor"),
    Role.SYSTEM: N_("system"),
    Role.CUSTOMS: N_("customs"),
}

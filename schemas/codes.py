"""Closed sets of codes that the engine's own logic branches on.

Customs code tables that change over time (supervision modes, units, currencies...)
are dated data files, not enums; only the engine's own vocabulary lives here.
"""

from enum import StrEnum


class CustomsStatus(StrEnum):
    """Customs status of goods held in the zone (货物海关状态)."""

    BONDED = "bonded"  # 保税
    NON_BONDED = "non_bonded"  # 非保税 (e.g. domestic goods entered on the second line)
    DUTY_PAID = "duty_paid"  # 已完税, awaiting exit to the domestic market
    HELD = "held"  # 待检/扣留: under inspection or held at the gate


class OutsideKind(StrEnum):
    """Counterparties outside the zone's stock: these accounts may go negative."""

    ABROAD = "abroad"  # 境外: first-line entry and export
    DOMESTIC = "domestic"  # 境内区外: second-line entry and domestic sale
    PROCESSING = "processing"  # 加工耗用/产出: materials consumed, goods produced
    DESTRUCTION = "destruction"  # 销毁
    ADJUSTMENT = "adjustment"  # 盘盈盘亏调整: stocktake and corrections
    ZONE_TRANSFER = "zone_transfer"  # 区内/区间流转: another enterprise's book


class DifferenceCause(StrEnum):
    """Why a stocktake's count differs from the book (盘盈盘亏原因), as the liaison
    accepts it: each says which way the difference may go (``rules.stocktake``)."""

    MEASUREMENT = "measurement"  # 计量误差: either way
    DAMAGE = "damage"  # 损毁: a shortage
    LOSS = "loss"  # 灭失/短少: a shortage
    FOUND_GOODS = "found_goods"  # 盘盈: a gain


class AccountKind(StrEnum):
    STOCK = "stock"
    ABROAD = "abroad"
    DOMESTIC = "domestic"
    PROCESSING = "processing"
    DESTRUCTION = "destruction"
    ADJUSTMENT = "adjustment"
    ZONE_TRANSFER = "zone_transfer"


class DocumentType(StrEnum):
    """The document that causes a movement: the audit trail points back to it."""

    BONDED_LIST = "bonded_list"  # 保税核注清单
    GATE_PASS = "gate_pass"  # 核放单
    DECLARATION = "declaration"  # 报关单 / 备案清单
    WORK_ORDER = "work_order"  # 加工工单
    STOCKTAKE = "stocktake"  # 盘点单
    WRITE_OFF = "write_off"  # 核销
    OPENING_BALANCE = "opening_balance"  # 期初


class BookType(StrEnum):
    """Account book (账册) types."""

    PROCESSING = "H"  # 加工贸易账册 (EMS)
    LOGISTICS = "T"  # 物流账册 (BWS)


class EnterpriseRole(StrEnum):
    MANUFACTURER = "manufacturer"  # 加工企业
    LOGISTICS = "logistics"  # 物流/仓储企业
    TRADER = "trader"  # 贸易企业
    DECLARING_AGENT = "declaring_agent"  # 报关企业
    ZONE_OPERATOR = "zone_operator"  # 区内运营


class LocationKind(StrEnum):
    ZONE_AREA = "zone_area"  # 区域, e.g. the cold-chain area
    WAREHOUSE = "warehouse"  # 仓库
    BIN = "bin"  # 库位


class Operation(StrEnum):
    """Ledger operations (two-phase, after double-entry ledgers such as TigerBeetle)."""

    POST = "post"
    RESERVE = "reserve"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"
    # A book's period closed or reopened (ledger/periods.py): chained, moves nothing.
    CLOSE_PERIOD = "close_period"
    REOPEN_PERIOD = "reopen_period"


class Phase(StrEnum):
    """What a movement row did to balances."""

    POSTED = "posted"
    PENDING = "pending"
    VOIDED = "voided"

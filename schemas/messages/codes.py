"""The closed code sets of the customs messages that bondflow's logic branches on.

Open, dated code tables (supervision modes, units, currencies...) live in
``codetables/``; these are the flags whose meaning the engine itself depends on.
"""

from enum import StrEnum
from typing import Final

DEFAULT_DEC_VERSION: Final = "3.1"
"""The DecMessage root's ``version`` bondflow writes unless a deployment says otherwise:
the value every public instance carries. (Here rather than beside the declaration's
models, so the settings, which every process reads, name it without building them.)"""


class MessageType(StrEnum):
    """Every message bondflow reads or writes, named as the real format names it."""

    INV101 = "INV101"  # 核注清单申报
    INV201 = "INV201"  # 核注清单审核回执
    INV202 = "INV202"  # 核注清单生成报关单回执
    INV211 = "INV211"  # 核注清单记账回执
    SAS121 = "SAS121"  # 核放单申报
    SAS221 = "SAS221"  # 核放单审核回执
    SAS223 = "SAS223"  # 核放单过卡回执
    SAS224 = "SAS224"  # 核放单查验处置回执
    SAS253 = "SAS253"  # 两步申报核放单过卡回执
    DEC_MESSAGE = "DecMessage"  # 报关单/备案清单 (single window, version 3.1)
    DEC_IMPORT_RESPONSE = "DecImportResponse"  # 报关单导入回执
    DEC_RESULT = "DEC_RESULT"  # 报关单状态回执
    COMMON_RESPONSE = "CommonResponeMessage"  # 客户端导入结果 (sic)


class DeclareFlag(StrEnum):
    """DelcareFlag (sic): what the client does with an upload."""

    SAVE = "0"  # 暂存
    DECLARE = "1"  # 申报


class ImpExp(StrEnum):
    """ImpexpMarkcd / IoTypecd / IEFlag."""

    IMPORT = "I"
    EXPORT = "E"


class DeclarationKind(StrEnum):
    """DclTypecd: 申报类型."""

    FILE = "1"  # 备案
    CHANGE = "2"  # 变更
    DELETE = "3"  # 删除


class MaterialOrProduct(StrEnum):
    """MtpckEndprdMarkcd: 料件成品标记."""

    MATERIAL = "I"  # 料件
    PRODUCT = "E"  # 成品


class DeclarationFlag(StrEnum):
    """DclcusFlag: 报关标志."""

    DECLARED = "1"  # 报关
    NOT_DECLARED = "2"  # 非报关


class DeclarationRoute(StrEnum):
    """DclcusTypecd: 报关类型."""

    LINKED = "1"  # 关联报关: the declaration is filed by the outside party
    GENERATED = "2"  # 对应报关: the declaration is generated from the list


class DeductionMark(StrEnum):
    """VrfdedMarkcd: 核扣标记."""

    NOT_DEDUCTED = "0"  # 未核扣
    PRE_DEDUCTED = "1"  # 预核扣
    DEDUCTED = "2"  # 已核扣
    WRITTEN_OFF = "3"  # 已核销


class ReviewResult(StrEnum):
    """manageResult of INV201 / SAS221: 处理结果."""

    APPROVED = "1"  # 通过 (已审批)
    MANUAL_REVIEW = "2"  # 转人工
    RETURNED = "3"  # 退单
    PRE_DEDUCTED = "4"  # 预核扣 (approved and pre-deducted; seen in real INV201)
    APPROVED_NOT_DEDUCTED = "5"  # 审批通过未核扣 (seen in real INV201)
    STORED = "Y"  # 入库成功
    STORAGE_FAILED = "Z"  # 入库失败


class ListStatus(StrEnum):
    """invtStucd: 清单状态."""

    APPROVED = "0"
    DECLARED = "1"
    RETURNED = "2"
    DELETED = "3"


class GatePassKind(StrEnum):
    """PassportTypecd: 核放单类型."""

    ENTER_FIRST = "1"  # 先入区后报关
    FIRST_LINE = "2"  # 一线一体化进出区
    SECOND_LINE = "3"  # 二线进出区
    NON_DECLARED = "4"  # 非报关进出区
    REGISTERED_GOODS = "5"  # 卡口登记货物
    EMPTY_VEHICLE = "6"  # 空车进出区


class BindingKind(StrEnum):
    """BindTypecd: 绑定类型."""

    ONE_VEHICLE_MANY_LISTS = "1"
    ONE_LIST_ONE_VEHICLE = "2"
    ONE_LIST_MANY_VEHICLES = "3"


class RelatedDocumentKind(StrEnum):
    """RltTbTypecd / RtlBillTypecd (sic): 关联单证类型."""

    BONDED_LIST = "1"  # 核注清单
    STOCK_DOCUMENT = "2"  # 出入库单
    BILL_OF_LADING = "3"  # 提运单


class GatePassStatus(StrEnum):
    """Stucd: 核放单状态 (gxcb's SAS221/SAS251 models)."""

    APPLIED = "0"  # 已申请
    APPROVED = "1"  # 已审批
    THROUGH_GATE = "2"  # 已过卡 (one gate)
    THROUGH_FIRST_GATE = "3"  # 已过一卡 (two gates)
    THROUGH_SECOND_GATE = "4"  # 已过二卡 (two gates)
    DELETED = "5"  # 已删除
    VOIDED = "6"  # 已作废


class GateResult(StrEnum):
    """SAS223 manageResult: 过卡结果."""

    PASSED = "1"
    NOT_PASSED = "2"


class DealFlag(StrEnum):
    """CommonResponeMessage DealFlag: did the client import the file (0 imported;
    any other value, -1 in real files, is a failure)."""

    OK = "0"
    FAILED = "-1"


class GenerationResult(StrEnum):
    """INV202 InvApprResult/manageResult: 报关单生成结果."""

    GENERATED = "1"  # 生成成功
    FAILED = "2"  # 生成失败


class ImportResponseCode(StrEnum):
    """DecImportResponse ResponseCode: 0 imported, 1 refused (real files)."""

    ACCEPTED = "0"
    REFUSED = "1"


class DeclarationChannel(StrEnum):
    """DEC_RESULT CHANNEL: 报关单处理结果 (REAL-FORMATS.md 7.2 and the codes the
    simulator and lifecycles use)."""

    DECLARED = "7"  # 直接申报成功 (no ENTRY_ID yet)
    STORED = "L"  # 海关入库成功
    RETURNED = "E"  # 退单
    CLEARED_FOR_PAYMENT = "G"  # 审结
    DUTIES_PAYABLE = "T"  # 缴款通知
    INSPECTION_NOTICE = "C"  # 查验通知
    INSPECTING = "S"  # 查验中
    GUARANTEE_RELEASE = "K"  # 担保放行 (a 2024 literal)
    RELEASED = "P"  # 放行
    CLOSED = "R"  # 结关
    DELETED = "D"  # 删单
    RETURNED_FOR_CORRECTION = "Z"  # 退回修改

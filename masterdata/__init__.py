"""Master data (基础数据): enterprises, account books, book items, consumption norms,
locations and lots. Registered once, referenced by every document and movement."""

from masterdata.service import MasterData

__all__ = ["MasterData"]

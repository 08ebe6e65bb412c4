"""Pure checks of drafts: a draft against one snapshot of its book(s) on a business day
gives its refusals as data. No database, no clock: the caller reads the snapshot
(``masterdata.snapshot``, ``ledger.queries.available``) and names the day."""

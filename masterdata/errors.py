"""Refusals of master-data changes."""

from schemas.errors import BondflowError, Conflict, NotFound


class MasterDataError(BondflowError):
    code = "master_data_error"


class AlreadyRegistered(MasterDataError, Conflict):
    code = "already_registered"
    status = 409


class NotRegistered(MasterDataError, NotFound):
    code = "not_registered"
    status = 404

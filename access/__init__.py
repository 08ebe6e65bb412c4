"""Access to the API: users, hashed tokens, and the principal a request acts as."""

from access.principal import Principal
from access.service import AccessService

__all__ = ["AccessService", "Principal"]

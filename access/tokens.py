"""API tokens: 256 random bits, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 8


def new_token() -> tuple[str, str]:
    """(token, prefix): ``bf_<prefix>_<secret>``; the prefix names it in lists."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"bf_{prefix}_{secrets.token_urlsafe(32)}", prefix


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

"""Console passwords (口令): Argon2id hashes (argon2-cffi's defaults, RFC 9106's second
recommended profile), and the length a password must have."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from schemas.errors import BondflowError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # Argon2 takes any length; a bound keeps a huge body from costing

_hasher = PasswordHasher()
# Verified when no user has the name, so a missing user costs the same as a wrong password.
# Hashed on first use, not at import: a hash is ~0.1 s of CPU, which every process
# importing this module (the API, `bondflow users`) paid at start, though only a sign-in
# of a missing user reads it.
_dummy: str | None = None
_dummy_lock = threading.Lock()


class PasswordRefused(BondflowError):
    code = "password_refused"
    status = 422


def check_strength(password: str) -> None:
    """A password of MIN_LENGTH..MAX_LENGTH characters, not only spaces."""
    if not password.strip():
        raise PasswordRefused("the password is empty", field="password")
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"a password has at least {MIN_LENGTH} characters", field="password")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"a password has at most {MAX_LENGTH} characters", field="password")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; a missing hash is verified against a
    dummy so that the answer takes as long, and is False."""
    if len(password) > MAX_LENGTH:
        return False
    # Asked for every hash, so the process's first verification is the slower one
    # whether or not the user exists, and its time says nothing about the name.
    dummy = _dummy_hash()
    try:
        return _hasher.verify(stored or dummy, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    """The hash a missing user's password is verified against, made once per process,
    on the first verification, with today's parameters (a real user's cost)."""
    global _dummy
    if _dummy is None:
        with _dummy_lock:  # two first sign-ins at once hash it once
            if _dummy is None:
                _dummy = _hasher.hash("bondflow: no such user")
    return _dummy


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)

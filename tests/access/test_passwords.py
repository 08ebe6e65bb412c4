"""Console passwords: a name nobody has costs the same verification as a wrong password
(so the time of a refused sign-in does not tell whether the user exists), and the dummy
hash behind that is made on the first sign-in, once, not when the module is imported."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher, extract_parameters

from access import passwords

CHECKOUT = Path(__file__).resolve().parents[2]
GOOD = "correct horse battery"
WRONG = "not the password at all"


class RecordingHasher(PasswordHasher):
    """argon2-cffi's hasher, with cheap parameters, keeping every hash it made and every
    hash it verified against."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=64, parallelism=1)
        self.made: list[str] = []
        self.verified: list[str] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        made = super().hash(password, salt=salt)
        self.made.append(made)
        return made

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> RecordingHasher:
    """A fresh process's state: no dummy hash made yet."""
    recording = RecordingHasher()
    monkeypatch.setattr(passwords, "_hasher", recording)
    monkeypatch.setattr(passwords, "_dummy", None)
    return recording


def test_a_missing_user_is_verified_like_a_wrong_password(hasher: RecordingHasher) -> None:
    stored = passwords.hash_password(GOOD)

    assert passwords.verify_password(stored, WRONG) is False
    assert passwords.verify_password(None, WRONG) is False
    assert passwords.verify_password(None, GOOD) is False

    real, missing, missing_again = hasher.verified
    assert real == stored
    # A full Argon2 verification each time, against a hash of the same parameters.
    assert missing != stored
    assert missing_again == missing
    assert extract_parameters(missing) == extract_parameters(stored)
    assert passwords.verify_password(stored, GOOD) is True


def test_the_dummy_is_made_on_the_first_verification_whoever_signs_in(
    hasher: RecordingHasher,
) -> None:
    """The first verification of a process pays for the dummy whether or not the user
    exists: that it is slower says nothing about the name."""
    stored = passwords.hash_password(GOOD)
    assert len(hasher.made) == 1

    passwords.verify_password(stored, WRONG)
    assert len(hasher.made) == 2  # the dummy, though this user exists
    passwords.verify_password(None, WRONG)
    passwords.verify_password(stored, GOOD)
    assert len(hasher.made) == 2


def test_sign_ins_at_once_make_one_dummy(hasher: RecordingHasher) -> None:
    start = threading.Barrier(8)

    def sign_in() -> None:
        start.wait()
        assert passwords.verify_password(None, WRONG) is False

    threads = [threading.Thread(target=sign_in) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(hasher.made) == 1
    assert set(hasher.verified) == set(hasher.made)


def test_importing_the_module_hashes_nothing() -> None:
    """Every process that imports it (the API, `bondflow users`) starts without paying
    for a hash."""
    script = (
        "import argon2\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('a password was hashed at import')\n"
        "argon2.PasswordHasher.hash = refuse\n"
        "import access.passwords\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

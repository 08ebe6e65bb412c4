"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative
division (6 digits), organisation code (9, itself GB 11714 with its own check
character) and the check character (1), drawn from 31 symbols (no I, O, Z, S, V).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...

# GB 11714 organisation code: 8 body characters (digits and A-Z) + check.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class CreditCodeError(ValueError):
    """A unified social credit code that fails GB 32100."""


def check_character(body17: str) -> str:
    """The 18th character for the first 17 characters of a credit code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(_org_value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def _org_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    raise CreditCodeError(f"organisation code character {ch!r} is not a digit or A-Z")


def validate_credit_code(code: str) -> str:
    """Return the code if it is a valid GB 32100 credit code, else raise with the reason."""
    if len(code) != 18:
        raise CreditCodeError(f"must be 18 characters, got {len(code)}")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise CreditCodeError(
            f"contains characters outside the GB 32100 set (no I, O, Z, S, V): {''.join(bad)}"
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(f"administrative division code {code[2:8]!r} must be 6 digits")
    org_body, org_check = code[8:16], code[16]
    expected_org = organisation_check(org_body)
    if org_check != expected_org:
        raise CreditCodeError(
            f"organisation code check character is {org_check!r}, expected {expected_org!r}"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"check character is {code[17]!r}, expected {expected!r}")
    return code


def build_credit_code(authority_and_type: str, division: str, org_body8: str) -> str:
    """Assemble a valid credit code (for demo and test data)."""
    body = authority_and_type + division + org_body8 + organisation_check(org_body8)
    return validate_credit_code(body + check_character(body))

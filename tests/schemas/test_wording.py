"""Messages built from values read as English: the article fits the word."""

from __future__ import annotations

import pytest

from schemas.access import UserRole
from schemas.lifecycle import Role
from schemas.wording import with_article


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (UserRole.AUDITOR, "an auditor"),
        (UserRole.ADMIN, "an admin"),
        (UserRole.FILER, "a filer"),
        (UserRole.LIAISON, "a liaison"),
        (Role.CUSTOMS, "a customs"),
        ("export", "an export"),
        ("first line entry", "a first line entry"),
        ("InvtMessage", "an InvtMessage"),
        ("user", "a user"),
        ("hour", "an hour"),
    ],
)
def test_the_article_fits_the_word(word: object, expected: str) -> None:
    assert with_article(word) == expected


def test_every_role_reads_with_its_article() -> None:
    for role in [*UserRole, *Role]:
        phrase = with_article(role)
        assert phrase.split()[0] == ("an" if role.value[0] in "aeiou" else "a"), phrase

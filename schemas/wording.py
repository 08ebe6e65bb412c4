"""Small helpers for messages built from values: the right article before a word.

"an auditor", "an admin", "a liaison", "a filer": messages built from an enum's value
("a {role}") read wrong for half of them, so they say ``with_article(role)`` instead.
"""

from __future__ import annotations

# Words that start with a vowel letter but a consonant sound, or the reverse.
_A_BEFORE = ("user", "unit", "uni", "one", "eu")
_AN_BEFORE = ("hour", "honest", "hs ", "h ", "hs-")


def article(word: str) -> str:
    """'a' or 'an' for the word that follows (by its sound, as far as a rule goes)."""
    lowered = word.strip().lower()
    if lowered.startswith(_AN_BEFORE):
        return "an"
    if lowered.startswith(_A_BEFORE):
        return "a"
    return "an" if lowered[:1] in ("a", "e", "i", "o", "u") else "a"


def with_article(word: object) -> str:
    """The word with its article: ``with_article(UserRole.AUDITOR)`` -> 'an auditor'."""
    text = str(word.value) if hasattr(word, "value") else str(word)
    return f"{article(text)} {text}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: '1 bad row', '3 bad rows'."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def plain_reason(message: str) -> str:
    """A pydantic error message in plain words: the "Value error, " and "Assertion
    failed, " prefixes are pydantic's wrapping, not part of the reason."""
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")

"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    check_strength(password)
    return hasher().hash(password)


def check_strength(password: str) -> None:
    """Length is what matters (NCSC guidance); no composition rules, no forced expiry."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"passwords must be at least {MIN_LENGTH} characters")


def verify_password(stored: str | None, password: str) -> bool:
    """True if `password` matches; a missing or corrupt hash is a mismatch, never an error."""
    if not stored:
        dummy_verify(password)
        return False
    try:
        return hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash("alarmbell-dummy-password-for-timing")


def dummy_verify(password: str) -> None:
    """Spend the time a real check takes, so response times do not reveal which usernames exist."""
    try:
        hasher().verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def needs_rehash(stored: str) -> bool:
    return hasher().check_needs_rehash(stored)

"""The provider's monthly star as the audit's sample rate reads it (SPEC §8: a dated provider
attribute, in force from the 1st of M+1). The stars are entered by the MIA (bill-money) until the
ratings compute them; until that table exists here, every provider has no star yet."""
from datetime import date

from sqlalchemy.orm import Session

#: (session, provider id, day) → the monthly star in force on ``day``, or None
_reader = None


def set_star_reader(reader) -> None:
    """Install the reader of the dated monthly stars (called by the domain that stores them)."""
    global _reader
    _reader = reader


def monthly_star_on(session: Session, provider_id: int, day: date) -> int | None:
    """The provider's monthly star in force on ``day`` (1–5), or None when it has none yet."""
    return _reader(session, provider_id, day) if _reader else None

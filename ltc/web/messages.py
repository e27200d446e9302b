"""Service refusals in the user's language. Imports no domain, so every domain's views may use it."""
from flask_babel import gettext

from ltc.core.errors import DomainError


def error_words(exc: DomainError) -> str:
    """A service's refusal in the user's language: the Chinese text is the msgid, filled in with the
    error's ``params`` after translation; a message without English stays Chinese."""
    params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in exc.params.items()}  # labels are msgids
    return gettext(exc.msgid, **params) if exc.msgid else exc.message

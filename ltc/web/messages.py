"""Service refusals in the user's language. Imports no domain, so every domain's views may use it."""
from collections.abc import Mapping

from flask_babel import get_locale, gettext

from ltc.core.errors import DomainError
from ltc.web.reasons import reason_msgid


def error_words(exc: DomainError) -> str:
    """A service's refusal in the user's language: the Chinese text is the msgid, filled in with the
    error's ``params`` after translation; a message without English stays Chinese."""
    params = {k: _param_words(v) for k, v in exc.params.items()}
    return gettext(exc.msgid, **params) if exc.msgid else exc.message


def reason_words(reason) -> str:
    """A field-level reason (``exc.fields``) in the user's language (``ltc.web.reasons``)."""
    if not isinstance(reason, str) or not reason:
        return str(reason)
    msgid, params = reason_msgid(reason)
    # a value taken from the reason may itself be a label (a care type's words): translate it too
    return gettext(msgid, **{k: gettext(v) if isinstance(v, str) and v else v for k, v in params.items()})


def fields_words(exc: DomainError) -> dict[str, str]:
    """The error's field reasons in the user's language, by field name."""
    return {name: reason_words(reason) for name, reason in exc.fields.items()}


def list_sep() -> str:
    """The enumeration comma of the current language (、 in Chinese)."""
    locale = get_locale()
    return "、" if locale is None or locale.language == "zh" else ", "


def check_words(check) -> str:
    """A review check's detail (a ``Check`` or a stored snapshot of one) in the user's language: its
    msgid filled in with its params. A snapshot stored before checks had params holds a sentence,
    shown as stored (translated when it happens to be a msgid)."""
    if isinstance(check, str):
        return gettext(check) if check else ""
    detail, params = ((check.get("detail"), check.get("params")) if isinstance(check, Mapping)
                      else (check.detail, check.params))
    if not detail:
        return ""
    return gettext(detail, **{k: _param_words(v) for k, v in params.items()}) if params else gettext(detail)


def _param_words(value):
    """Labels and nested messages are msgids; a list of them is joined with the language's comma."""
    if isinstance(value, list | tuple):
        return list_sep().join(str(_param_words(v)) for v in value)
    if isinstance(value, Mapping):
        return check_words(value)
    return gettext(value) if isinstance(value, str) and value else value

"""A message as a Chinese msgid and its params, filled in (pure).

The UI translates the msgid and each string param (labels and nested messages are msgids too); this
fills the Chinese text for logs, errors and tests. A nested message is ``{"detail": msgid, "params":
{…}}``, a list param is a list of params (joined with 、)."""
from collections.abc import Mapping
from typing import Any


def filled(detail: str, params: Mapping[str, Any] | None) -> str:
    """``detail`` with its params, in Chinese."""
    return detail % {k: _chinese(v) for k, v in params.items()} if params else detail


def text_of(message: str | Mapping[str, Any]) -> str:
    """A plain msgid or a nested message, in Chinese."""
    return str(_chinese(message))


def nested(detail: str, **params) -> dict[str, Any]:
    """A message used as another message's param."""
    return {"detail": detail, "params": params}


def _chinese(value):
    if isinstance(value, Mapping):
        return filled(value.get("detail", ""), value.get("params"))
    return "、".join(str(_chinese(v)) for v in value) if isinstance(value, list | tuple) else value

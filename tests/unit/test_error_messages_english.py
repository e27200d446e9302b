"""Service refusals reach the English UI in English (issue 9 point 10): every message a DomainError is
raised with in ``ltc/`` is a literal msgid (a ``%(name)s`` template when it names values, never an
f-string or a concatenation) that has an English translation in the catalogue, and every literal
field reason has words in ``ltc.web.reasons`` (or is a translated msgid itself)."""
import ast
import functools
from pathlib import Path

from babel.messages.pofile import read_po

from ltc.core.errors import DomainError

ROOT = Path(__file__).parents[2]


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """DomainError and every class in ``ltc/`` deriving from it, by name."""
    bases = {node.name: {_name(b) for b in node.bases} for tree in trees for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef)}
    found = {DomainError.__name__}
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


@functools.cache
def _messages() -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]]]:
    """(place, msgid) of every literal message; the places whose message is not a literal; (place,
    reason) of every literal field reason."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "ltc").rglob("*.py"))}
    classes, literal, computed, reasons = _error_classes(list(trees.values())), [], [], []
    for path, tree in trees.items():
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and _name(node.func) in classes):
                continue
            place, first = f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0]
            if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                reasons.extend((place, v.value) for v in node.args[1].values
                               if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.append((place, first.value))
            elif isinstance(first, ast.Name) and first.id in constants:
                literal.append((place, constants[first.id]))
            elif not _passed_on(first):
                computed.append(f"{place} {ast.unparse(first)}")
    return literal, computed, reasons


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _passed_on(arg: ast.expr) -> bool:
    """A message handed on from a caller or another error (checked where it was written), or one a view
    translated already (``_("…")``)."""
    return (isinstance(arg, ast.Name) or (isinstance(arg, ast.Attribute) and arg.attr in ("message", "msgid"))
            or (isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name))
            or (isinstance(arg, ast.Call) and _name(arg.func) in ("_", "gettext")))


def test_every_service_refusal_is_a_literal_msgid():
    assert _messages()[1] == []


@functools.cache
def _english() -> dict[str, str]:
    with open(ROOT / "ltc/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_field_reason_has_words_in_both_languages():
    from ltc.web.reasons import reason_msgid

    english = _english()
    missing = [f"{place} {reason}" for place, reason in _messages()[2]
               if not english.get(reason_msgid(reason)[0])]
    assert missing == []


def test_every_service_refusal_has_english():
    english = _english()
    missing = [f"{place} {msgid}" for place, msgid in _messages()[0]
               if _chinese(msgid) and not english.get(msgid)]
    assert missing == []

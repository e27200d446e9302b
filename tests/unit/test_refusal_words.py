"""Every fixed service refusal has English (issue 9 point 10): the UI translates a DomainError's
Chinese message at the edge (``ltc.web.messages.error_words``), so each literal needs a catalogue entry."""
import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
ERRORS = {"DomainError", "ValidationFailed", "NotFound", "Forbidden", "Conflict", "InvalidTransition"}


def _literal_refusals() -> set[str]:
    found = set()
    for path in (ROOT / "ltc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in ERRORS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return {m for m in found if any("\u4e00" <= ch <= "\u9fff" for ch in m)}


def test_every_fixed_chinese_refusal_has_english():
    with open(ROOT / "ltc/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        english = {m.id: m.string for m in read_po(f) if m.id}
    refusals = _literal_refusals()
    assert len(refusals) > 100
    assert sorted(m for m in refusals if not english.get(m)) == []


def test_a_refusal_with_values_keeps_its_template_as_msgid():
    from ltc.core.errors import Conflict

    exc = Conflict("此案件已被 %(who)s 于 %(when)s 修改，请刷新后重试",
                   params={"who": "张三", "when": "2026-03-16 10:00"})
    assert exc.message == str(exc) == "此案件已被 张三 于 2026-03-16 10:00 修改，请刷新后重试"
    assert exc.msgid.startswith("此案件已被 %(who)s")

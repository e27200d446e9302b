"""The review engine knows no subject type (SPEC §4.1): nothing in ``ltc.reviews`` imports a
domain whose subjects it reviews, and its generic pages name none of them. Each subject
registers itself (``ltc.reviews.registry``)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("ltc.entitlements", "ltc.assessment")
GENERIC_TEMPLATES = ("case.html", "cases.html", "inbox.html", "_checks.html")


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "ltc" / "reviews").glob("*.py")), ids=lambda p: p.name)
def test_the_review_package_imports_no_subject_domain(path):
    bad = sorted(m for m in imported_modules(path) if m == "ltc" or m.startswith(FORBIDDEN))
    assert bad == [], f"{path.name} imports {bad}"


def test_the_check_sees_a_forbidden_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from ltc.entitlements.subject import SUBJECT\n", encoding="utf-8")
    assert "ltc.entitlements.subject" in imported_modules(sample)


@pytest.mark.parametrize("name", GENERIC_TEMPLATES)
def test_the_generic_review_pages_name_no_subject(name):
    text = (ROOT / "templates" / "reviews" / name).read_text(encoding="utf-8")
    assert "entitlement" not in text  # (inbox.html borrows the pager macros of assessment/_macros.html)

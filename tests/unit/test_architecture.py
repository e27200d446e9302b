"""The one-way layering is enforced: the import-linter contracts in setup.cfg hold, a forbidden
import breaks them, and no module imports itself back through others (no import cycles)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "setup.cfg"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True)


def test_the_import_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("ltc/reviews/engine.py", "from ltc.entitlements import models as _subject_models",
     "the review engine knows no subject"),
    ("ltc/core/periods.py", "from ltc.people import models as _people_models",
     "core imports no domain"),
    ("ltc/people/models.py", "from ltc.people import services as _services",
     "imports flow one way"),
    ("ltc/billing/benefits.py", "import sqlalchemy as _sa",
     "pure modules import neither"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "ltc", copy / "ltc", ignore=shutil.ignore_patterns("__pycache__", "static",
                                                                              "translations"))
    shutil.copy(ROOT / "setup.cfg", copy / "setup.cfg")
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert contract in result.stdout and "BROKEN" in result.stdout


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("ltc", exclude_type_checking_imports=True)
    cycles = [(m, other) for m in graph.modules for other in graph.find_modules_directly_imported_by(m)
              if graph.chain_exists(importer=other, imported=m)]
    assert cycles == []

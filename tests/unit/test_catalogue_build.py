"""Installing the package compiles the gettext catalogues (issue 9 point 11): the compiled files are
not in git, so without this the English UI showed Chinese after the README's PostgreSQL steps."""
import gettext
import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _setup_module():
    spec = importlib.util.spec_from_file_location("ltc_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: setup() does not run
    return module


def test_building_the_package_compiles_the_english_catalogue(tmp_path):
    shutil.copytree(ROOT / "ltc/translations", tmp_path / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    written = _setup_module().compile_catalogues(tmp_path / "translations")
    assert written == [tmp_path / "translations/en/LC_MESSAGES/messages.mo"]
    english = gettext.translation("messages", tmp_path / "translations", languages=["en"])
    assert english.gettext("登录") == "Log in"


def test_the_build_runs_the_compiler_and_can_import_it():
    setup = _setup_module()
    assert issubclass(setup.BuildWithCatalogues, setup.build_py)
    assert "babel" in (ROOT / "pyproject.toml").read_text().split("[build-system]")[1].split("[")[1]


def test_a_broken_catalogue_stops_the_build(tmp_path):
    po = tmp_path / "translations/en/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "%(n)s 级"\nmsgstr "Level %(m)s"\n', encoding="utf-8")
    with pytest.raises(ValueError):
        _setup_module().compile_catalogues(tmp_path / "translations")

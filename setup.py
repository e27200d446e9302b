"""Build hook: compile the gettext catalogues (``ltc/translations/*/LC_MESSAGES/messages.po``) to ``.mo``
whenever the package is built or installed, editable installs included, so that the English UI works
after a plain ``pip install`` (the compiled files are not kept in git). Metadata lives in setup.cfg."""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "ltc" / "translations"


def compile_catalogues(translations: Path = TRANSLATIONS) -> list[Path]:
    """Write ``messages.mo`` next to each ``messages.po`` under ``translations``; return the files written.
    Raises ValueError on a catalogue with errors (gettext tools would refuse it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name, abort_invalid=True)
        errors = [(m.id, e) for m, es in catalog.check() for e in es]
        if errors:
            raise ValueError(f"{po}: {errors[:3]}")
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    def run(self):
        compile_catalogues()
        super().run()


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithCatalogues})

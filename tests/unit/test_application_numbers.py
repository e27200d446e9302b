"""Application numbers typed in a search box."""
import pytest

from ltc.assessment.applications.numbers import application_id_of


@pytest.mark.parametrize("typed, expected", [
    ("SQ-2026-000042", 42), ("sq-2026-000042", 42), (" SQ2026000042 ", 42), ("ＳＱ－２０２６－０００４２", 42),
    ("SQ-2026-7", 7), ("王五", None), ("000042", None), ("SQ-26-000042", None), ("", None), (None, None),
    ("SQ-2026-٤٢", None),
])
def test_an_application_number_names_its_application(typed, expected):
    assert application_id_of(typed) == expected

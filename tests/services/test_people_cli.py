"""`flask --app ltc people import FILE`."""
from sqlalchemy import func, select

import pytest

from ltc.people.models import InsuredPerson
from tests.builders import district
from tests.people_builders import csv_bytes, id_number


@pytest.fixture(autouse=True)
def listed_districts(session):
    for code in ("东城区", "西城区"):
        district(session, code)
    session.commit()  # the command's session is the test's: keep them through its rollback


def test_the_cli_imports_a_file_and_reports(app, session, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(f"{id_number(1)},张三,,,东城区,,,employee,,,", f"{id_number(2)},李四,,,西城区,,,,,,"))
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "create 2, update 0, unchanged 0, errors 0" in result.output
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2


def test_the_cli_rejects_a_bad_file_and_lists_row_errors(app, session, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(f"{id_number(1)},张三,,,东城区,,,,,,", f"{id_number(2)[:-1]},李四,,,西城区,,,,,,"))
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code != 0
    assert "row 3:" in result.output and "nothing imported" in result.output
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 0


def test_the_cli_dry_run_writes_nothing(app, session, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(f"{id_number(1)},张三,,,东城区,,,,,,"))
    result = app.test_cli_runner().invoke(args=["people", "import", "--dry-run", str(path)])
    assert result.exit_code == 0 and "dry run" in result.output
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 0

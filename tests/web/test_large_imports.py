"""Large spreadsheet imports (issue 9, point 5): a file over the row limit is refused before its
cells are parsed, so the upload answers at once instead of tying up a web worker."""
import io
import time

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ltc.people.imports import MAX_ROWS
from ltc.people.models import InsuredPerson
from tests.conftest import login
from tests.sheet_builders import fast_xlsx

HEADER = ["身份证号", "姓名", "区县"]


@pytest.fixture(scope="session")
def xlsx_200k() -> bytes:
    """The reproduction's workbook: 200 000 tiny rows (and no ``<dimension>`` element, which
    makes openpyxl's read-only loader scan the whole sheet)."""
    return fast_xlsx(HEADER, (["1", "x", "y"] for _ in range(200_000)))


def upload(client, data: bytes, filename: str, url: str = "/people/import"):
    """The multipart body built in memory (the test client would spool a large one to a file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_200000_row_xlsx_is_refused_at_once_with_the_row_limit(client, session, world, xlsx_200k):
    session.commit()
    login(client, "mia_op")
    started = time.monotonic()
    response = upload(client, xlsx_200k, "big.xlsx")
    elapsed = time.monotonic() - started
    page = response.data.decode()
    assert response.status_code == 400 and f"一次最多导入 {MAX_ROWS} 行" in page
    assert elapsed < 8, f"the upload took {elapsed:.1f} s"  # reading every row took minutes on a busy machine
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 0

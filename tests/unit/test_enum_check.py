"""``enum_check``: one CHECK constraint per enum-valued VARCHAR column, named by the convention."""
from enum import StrEnum

import pytest
from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from ltc.core.db import NAMING_CONVENTION, enum_check, in_list


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


SQLITE = sqlite.dialect()


def _ddl(*constraints, dialect=SQLITE) -> str:
    table = Table("paints", MetaData(naming_convention=NAMING_CONVENTION),
                  Column("colour", String(10)), Column("trim", String(10)), *constraints)
    return str(CreateTable(table).compile(dialect=dialect))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_enum_check_lists_the_values_in_declaration_order_under_the_conventional_name(dialect):
    ddl = _ddl(enum_check("colour", Colour), dialect=dialect)
    assert "CONSTRAINT ck_paints_colour CHECK (colour IN ('red', 'green', 'blue'))" in ddl


def test_a_nullable_enum_check_admits_null():
    ddl = _ddl(enum_check("trim", Colour, nullable=True))
    assert "CONSTRAINT ck_paints_trim CHECK (trim IS NULL OR trim IN ('red', 'green', 'blue'))" in ddl


def test_an_enum_check_may_be_named_other_than_its_column():
    ddl = _ddl(enum_check("colour", Colour, name="paint_colour"))
    assert "CONSTRAINT ck_paints_paint_colour CHECK (colour IN" in ddl


def test_an_enum_check_names_the_enum_it_comes_from():
    assert enum_check("colour", Colour).info == {"enum": Colour}


def test_in_list_doubles_quotes_in_values():
    assert in_list(["a", "o'clock"]) == "('a', 'o''clock')"

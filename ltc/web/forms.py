"""Form helpers shared by every domain: the one request edge of a form page."""
from collections.abc import Callable
from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.i18n import translations as wtforms_translations
from sqlalchemy.exc import IntegrityError
from wtforms import Form, SelectChoice, SelectMultipleField, SubmitField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ltc.core.errors import DomainError
from ltc.core.unique import as_conflict
from ltc.extensions import db
from ltc.web.odd_input import ASCII_INT, MAX_INT
from ltc.web.messages import error_words


def finite(form, field) -> None:
    """A decimal field's value is a number ("NaN" and "Infinity" parse as decimals, and NaN makes
    the range check after this one fail with an exception instead of a message)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("请输入一个有限的数字"))


def record_id(form, field) -> None:
    """A record's id: written in ASCII digits (``int()`` also reads "１２" as 12, which must name
    no record) and within a database INTEGER, 1 – 2 147 483 647."""
    raw = (field.raw_data or [""])[0].strip()
    if field.data is not None and not (ASCII_INT.fullmatch(raw) and 1 <= field.data <= MAX_INT):
        raise StopValidation(_l("编号应为 1 到 %(max)d 之间的整数", max=MAX_INT))


class PlainForm(Form):
    """A form without a CSRF token of its own (GET filters, rows of a FieldList) whose built-in messages
    ("Number must be between …") follow the user's language like a FlaskForm's."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations


def attach_errors(form: FlaskForm, exc: DomainError) -> None:
    """Show a DomainError on the form: on the named fields, else as a form-level error."""
    placed = False
    for name, _reason in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [error_words(exc)]
            placed = True
    if not placed:
        form.form_errors.append(error_words(exc))


def submit(form: FlaskForm, run: Callable[[], Any]) -> tuple[bool, Any, int]:
    """Run the service when the form is valid and commit; on a DomainError (or a unique key taken
    meanwhile by another request: a Conflict) roll back and show it on the form. Returns (done,
    result, HTTP status for re-rendering the form)."""
    if not form.validate_on_submit():
        return False, None, 400 if form.is_submitted() else 200
    try:
        result = run()
        db.session.commit()
    except DomainError as exc:
        return _refused(form, exc)
    except IntegrityError as exc:
        conflict = as_conflict(exc)
        if conflict is None:
            raise
        return _refused(form, conflict)
    return True, result, 200


def _refused(form: FlaskForm, exc: DomainError) -> tuple[bool, None, int]:
    """Roll back and show the refusal: through the form's own ``attach`` when it has one (a form whose
    field names differ from the service's), else on the fields the error names."""
    db.session.rollback()
    getattr(form, "attach", partial(attach_errors, form))(exc)
    return False, None, exc.status


def label_choices(labels: dict, values) -> list[SelectChoice]:
    """Select choices for ``values``, each shown with its translated label."""
    return [SelectChoice(str(v), _l(labels[v])) for v in values]


class MultiCheckboxField(SelectMultipleField):
    """A list of check boxes (rendered by ``templates/orgs/_form.html``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- the upload → preview → confirm flow of every import (``ltc.web.imports``) ---------------

class ImportForm(FlaskForm):
    file = FileField(_l("CSV 或 XLSX 文件"), validators=[FileRequired()])
    submit = SubmitField(_l("上传并预览"))


class ConfirmImportForm(FlaskForm):
    submit = SubmitField(_l("确认导入"))

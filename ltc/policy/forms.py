"""Forms of the policy editing page.

A section's form is generated from its input tree (``form_mapping``): every input is a text,
select or text-area field named by its path. The fields validate nothing themselves: the
conversion (``raw_from_form``) and the section schema report errors by path, and
``place_errors`` shows each one next to its input. ``base_digest`` carries a digest of the
section as it was when the page was opened, so a save over someone else's newer save is refused.
"""
import hashlib
import json
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ltc.policy import form_mapping as fm
from ltc.web.messages import reason_words

RENDER = {fm.INT: {"inputmode": "numeric"}, fm.DECIMAL: {"inputmode": "decimal"},
          fm.DATE: {"type": "date"}, fm.TEXT: {}}


def _field(spec: fm.FormField):
    label = _l(spec.label)
    if spec.kind in (fm.CHOICE, fm.BOOL):
        choices = ([SelectChoice("", "—")] if spec.optional else []) + [SelectChoice(str(v), _l(lab))
                                                                         for v, lab in spec.choices]
        return SelectField(label, choices=choices, validate_choice=False)
    if spec.kind == fm.JSON:
        return TextAreaField(label, render_kw={"rows": 8, "spellcheck": "false", "class": "font-monospace"})
    return StringField(label, render_kw=RENDER[spec.kind])


_FORM_CLASSES: dict[int, type[FlaskForm]] = {}


def section_form_class(tree: fm.Group) -> type[FlaskForm]:
    """A FlaskForm class (CSRF included) with one field per input of ``tree``."""
    key = id(tree)
    if key not in _FORM_CLASSES:
        attrs = {spec.path: _field(spec) for spec in fm.fields_of(tree)}
        attrs["base_digest"] = HiddenField()
        _FORM_CLASSES[key] = type(f"SectionForm_{tree.path}", (FlaskForm,), attrs)
    return _FORM_CLASSES[key]


def digest(stored: Any) -> str:
    """A digest of a section's stored JSON (None when the version has no such section)."""
    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def section_form(tree: fm.Group, values: dict[str, str] | None = None, *, stored: Any = None,
                 submitted: bool = False) -> FlaskForm:
    """The section's form: from the request when ``submitted``, else showing ``values`` of the
    ``stored`` section."""
    cls = section_form_class(tree)
    if submitted:
        return cls()
    return cls(formdata=None, data={**(values or {}), "base_digest": digest(stored)})


def form_strings(form: FlaskForm, tree: fm.Group) -> dict[str, str]:
    return {spec.path: form[spec.path].data or "" for spec in fm.fields_of(tree)}


def place_errors(form: FlaskForm, tree: fm.Group, errors: dict[str, str]) -> None:
    """Each error on its input (or the innermost enclosing one), the rest on the form."""
    paths = [spec.path for spec in fm.fields_of(tree)]
    for path, reason in ((p, reason_words(r)) for p, r in errors.items()):
        target = fm.field_for_error(paths, path)
        if target is None:
            form.form_errors.append(f"{path}: {reason}")
        else:
            shown = reason if target == path else f"{path}: {reason}"
            form[target].errors = list(form[target].errors or []) + [shown]


class CopyForm(FlaskForm):
    name = StringField(_l("新草稿名称"), validators=[Optional(), Length(max=100)])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=500)])


class PublishForm(FlaskForm):
    effective_from = DateField(_l("生效日期"), validators=[DataRequired()])
    effective_to = DateField(_l("失效日期（不含，可不填）"), validators=[Optional()])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=500)])


class RetireForm(FlaskForm):
    note = StringField(_l("废止原因"), validators=[Optional(), Length(max=500)])

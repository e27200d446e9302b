"""Editing policy versions (MIA admin): copy any version to a draft, edit its typed sections,
validate, publish, retire.

The section forms are generated from the registered dataclasses (``form_mapping``), so a
section added by another domain is editable without code here. Every write goes through
``ltc.policy.services`` (events and audit entries); a refused save writes nothing and shows
each error next to its input.
"""
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.audit import AuditEntry
from ltc.core.clock import local_today, to_local, utcnow
from ltc.core.errors import Conflict, DomainError, InvalidTransition, ValidationFailed
from ltc.web.forms import attach_errors
from ltc.extensions import db
from ltc.policy import form_mapping as fm
from ltc.policy import services
from ltc.policy.forms import (CopyForm, PublishForm, RetireForm, digest, form_strings, place_errors,
                                   section_form)
from ltc.policy.models import STATUS_LABELS, PolicyStatus, PolicyVersion
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section, section_label
from ltc.policy.schema import SECTIONS
from ltc.web.messages import error_words

bp = Blueprint("policy_edit", __name__, url_prefix="/policy")
_ORIGIN = re.compile(r"copy of version ([0-9]+)")


@dataclass
class SectionEdit:
    """One section's card on the editing page."""

    name: str
    label: str
    tree: fm.Group
    form: FlaskForm
    from_ref: bool = False       # not in the draft yet: the form shows the REF values
    valid: bool = False          # "validate" found no error (nothing saved)


@dataclass
class Source:
    """The version a draft was copied from (``number`` None for REF) and its sections."""

    number: int | None
    sections: dict
    changes: list[fm.Change] = field(default_factory=list)


def copied_from(version: PolicyVersion) -> Source | None:
    """The source recorded by ``create_draft`` in its audit entry, with the changes since."""
    detail = db.session.scalar(select(AuditEntry.detail).where(
        AuditEntry.entity == "policy_version", AuditEntry.entity_id == str(version.id),
        AuditEntry.action == "create").order_by(AuditEntry.id).limit(1))
    if detail == "copy of REF":
        source = Source(None, ref_sections())
    elif detail and (match := _ORIGIN.fullmatch(detail)):
        original = db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == int(match.group(1))))
        if original is None:
            return None
        source = Source(original.number, original.sections)
    else:
        return None
    source.changes = fm.diff_sections(source.sections, version.sections)
    return source


def _draft(version_id: int) -> PolicyVersion:
    version = services.get_version(db.session, version_id)
    if version.status != PolicyStatus.DRAFT:
        raise InvalidTransition(_("只能修改草稿版本"), {"status": version.status})
    return version


def _section_edit(version: PolicyVersion, name: str) -> SectionEdit:
    tree = fm.section_tree(name)
    stored = version.sections.get(name)
    raw = stored if stored is not None else ref_sections().get(name)
    return SectionEdit(name, section_label(name), tree,
                       section_form(tree, fm.form_values(tree, raw), stored=stored), from_ref=stored is None)


def _render(version: PolicyVersion, *, edits: dict[str, SectionEdit] | None = None,
            publish_form: PublishForm | None = None, version_errors: dict[str, str] | None = None,
            status: int = 200):
    edits = edits or {}
    sections = [edits.get(name) or _section_edit(version, name) for name in sorted(SECTIONS)]
    if version_errors:
        for s in sections:
            mine = {p: r for p, r in version_errors.items() if p == s.name or p.startswith(s.name + ".")}
            if mine and s.name not in edits:
                place_errors(s.form, s.tree, {p: r for p, r in mine.items() if p != s.name})
    unknown = {name: raw for name, raw in version.sections.items() if name not in SECTIONS}
    return render_template(
        "policy/edit.html", version=version, sections=sections, unknown=unknown,
        publish_form=publish_form or PublishForm(formdata=None), retire_form=RetireForm(formdata=None),
        version_errors=version_errors, source=copied_from(version), status_labels=STATUS_LABELS), status


def _check_unchanged(version: PolicyVersion, name: str, base: str | None) -> None:
    """Conflict when the section was saved by someone else since the form was opened."""
    if base and base != digest(version.sections.get(name)):
        last = version.events[-1]
        who = last.user.full_name if last.user else _("系统")
        raise Conflict(_("该分组已于 %(at)s 被 %(who)s 修改；请重新打开页面，再次输入您的修改",
                         at=to_local(last.at).strftime("%Y-%m-%d %H:%M"), who=who))


@bp.get("/<int:version_id>/edit")
@permission_required(Action.MANAGE_ORGS)
def edit(version_id: int):
    return _render(_draft(version_id))


@bp.post("/<int:version_id>/sections/<name>")
@permission_required(Action.MANAGE_ORGS)
def save_section(version_id: int, name: str):
    """``op=save`` stores the section (errors: nothing stored); ``op=validate`` only checks it."""
    version = _draft(version_id)
    if name not in SECTIONS:
        abort(404)
    tree = fm.section_tree(name)
    edit = SectionEdit(name, section_label(name), tree, section_form(tree, submitted=True))
    raw, errors = fm.raw_from_form(tree, form_strings(edit.form, tree))
    if not errors:
        try:
            if request.form.get("op") == "validate":
                parse_section(name, raw)
                edit.valid = True
                return _render(version, edits={name: edit})
            _check_unchanged(version, name, edit.form.base_digest.data)
            services.update_section(db.session, version, name, raw, actor=actor_of(current_user), now=utcnow())
        except Conflict as exc:
            edit.form.form_errors.append(error_words(exc))
            return _render(version, edits={name: edit}, status=exc.status)
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.fields
        else:
            db.session.commit()
            flash(_("已保存：%(section)s", section=_(section_label(name))), "success")
            return redirect(url_for("policy_edit.edit", version_id=version.id, _anchor=f"section-{name}"))
    place_errors(edit.form, tree, errors)
    return _render(version, edits={name: edit}, status=400)


@bp.post("/<int:version_id>/validate")
@permission_required(Action.MANAGE_ORGS)
def validate(version_id: int):
    version = _draft(version_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    errors = services.validate_version(version)
    if not errors:
        flash(_("校验通过：所有参数分组均有效，可以发布"), "success")
    return _render(version, version_errors=errors)


@bp.post("/<int:version_id>/publish")
@permission_required(Action.MANAGE_ORGS)
def publish(version_id: int):
    version = _draft(version_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render(version, publish_form=form, status=400)
    try:
        services.publish(db.session, version, effective_from=form.effective_from.data,
                         effective_to=form.effective_to.data, note=form.note.data or None,
                         actor=actor_of(current_user), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        attach_errors(form, exc)
        section_errors = {p: r for p, r in exc.fields.items() if p.split(".")[0] in SECTIONS or p in SECTIONS}
        return _render(version, publish_form=form, version_errors=section_errors or None, status=exc.status)
    db.session.commit()
    flash(_("第 %(n)s 版已发布", n=version.number), "success")
    return redirect(url_for("policy.view_version", version_id=version.id))


def _posted(version_id: int, form_class: type[FlaskForm]) -> tuple[PolicyVersion, FlaskForm]:
    """The version and its submitted small form (400 when the form is invalid)."""
    version = services.get_version(db.session, version_id)
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    return version, form


@bp.post("/<int:version_id>/retire")
@permission_required(Action.MANAGE_ORGS)
def retire(version_id: int):
    version, form = _posted(version_id, RetireForm)
    try:
        services.retire(db.session, version, note=form.note.data or None, actor=actor_of(current_user),
                        now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(error_words(exc), "error")
    else:
        db.session.commit()
        flash(_("第 %(n)s 版已废止", n=version.number), "success")
    return redirect(url_for("policy.view_version", version_id=version.id))


@bp.post("/<int:version_id>/copy")
@permission_required(Action.MANAGE_ORGS)
def copy(version_id: int):
    source, form = _posted(version_id, CopyForm)
    draft = services.create_draft(db.session, actor=actor_of(current_user), now=utcnow(), from_version=source,
                                  name=form.name.data, note=form.note.data or None)
    db.session.commit()
    flash(_("已复制为草稿第 %(n)s 版", n=draft.number), "success")
    return redirect(url_for("policy_edit.edit", version_id=draft.id))


def manage_context(version: PolicyVersion) -> dict[str, Any]:
    """The forms the read-only version page adds for a MIA admin (copy, retire)."""
    return {"copy_form": CopyForm(formdata=None), "retire_form": RetireForm(formdata=None),
            "can_retire": version.status == PolicyStatus.DRAFT or (
                version.status == PolicyStatus.PUBLISHED and version.effective_from > local_today())}

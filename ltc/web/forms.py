"""Form helpers shared by every domain."""
from flask_wtf import FlaskForm

from ltc.core.errors import DomainError


def attach_errors(form: FlaskForm, exc: DomainError) -> None:
    """Show a DomainError on the form: on the named fields, else as a form-level error."""
    placed = False
    for name, reason in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [exc.message]
            placed = True
    if not placed:
        form.form_errors.append(exc.message)

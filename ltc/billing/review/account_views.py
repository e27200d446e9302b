"""The provider's settlement bank account page (SPEC §7.3 payment): the account in force (masked) and its
history; the provider's admin changes its own, the MIA's admin any provider's. Outside the scope: 404."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing.review import bank_accounts
from ltc.billing.review.forms import ProviderAccountForm
from ltc.billing.review.views import bp
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.web.forms import submit


def _provider(provider_id: int) -> Organisation:
    """The provider if the user may see its account: the MIA any provider, a provider itself; else 404."""
    provider = db.session.get(Organisation, provider_id)
    if provider is None or provider.kind != OrgKind.PROVIDER:
        abort(404)
    if current_user.org_kind != OrgKind.MIA and current_user.org_id != provider.id:
        abort(404)
    return provider


def _form() -> ProviderAccountForm | None:
    if not can(current_user, Action.MANAGE_OWN_USERS):
        return None
    form = ProviderAccountForm()
    if not form.is_submitted():
        form.valid_from.data = local_today()
    return form


def _render(provider: Organisation, form: ProviderAccountForm | None, status: int = 200):
    return render_template("billing/review/bank_account.html", provider=provider, form=form,
                           current=bank_accounts.account_on(db.session, provider.id, local_today()),
                           periods=bank_accounts.history(db.session, provider.id), mask=bank_accounts.masked), status


@bp.get("/providers/<int:provider_id>/bank-account", endpoint="bank_account")
@permission_required(Action.VIEW_SETTLEMENTS)
def bank_account(provider_id: int):
    return _render(_provider(provider_id), _form())


@bp.post("/providers/<int:provider_id>/bank-account", endpoint="change_bank_account")
@permission_required(Action.MANAGE_OWN_USERS)
def change_bank_account(provider_id: int):
    provider = _provider(provider_id)
    form = _form()
    done, _period, status = submit(form, lambda: bank_accounts.change_account(
        db.session, provider.id, form.change(), actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("结算银行账户已保存"), "success")
        return redirect(url_for("settlement_review.bank_account", provider_id=provider.id))
    return _render(provider, form, status)

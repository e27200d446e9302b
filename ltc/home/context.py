"""Template context: navigation with its pending counts, permissions and the calendar banner."""
from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.core.calendar import calendar_gap_banner
from ltc.core.clock import local_today, to_local
from ltc.extensions import db
from ltc.home.nav import NavGroup, endpoints_of, nav_for
from ltc.orgs.kinds import ORG_KIND_LABELS
from ltc.web.periods import period_text
from ltc.web.nav_badges import badges_for

def menu_context(user) -> dict:
    """The user's menu entries and their badges (a group's badge sums its entries')."""
    entries = nav_for(user.org_kind, user.roles)
    badges = badges_for(db.session, user, local_today(), endpoints_of(entries))
    for entry in entries:
        if isinstance(entry, NavGroup):
            badges[entry.key] = sum(badges.get(endpoint, 0) for endpoint in entry.endpoints)
    return {"nav_items": entries, "nav_badges": badges}


def banner_for(user) -> str | None:
    """The missing-calendar banner, for those who load the calendar, on their home and calendar pages."""
    on_page = request.endpoint == "home.index" or request.blueprint == "calendar"
    if not (on_page and can(user, Action.MANAGE_ORGS)):
        return None
    return calendar_gap_banner(local_today(), db.session)


def install_context(app: Flask) -> None:
    @app.context_processor
    def inject():
        ctx = {"can": lambda action: current_user.is_authenticated and can(current_user, action),
               "nav_items": [], "nav_badges": {}, "calendar_banner": None, "org_kind_labels": ORG_KIND_LABELS,
               "get_locale": get_locale}
        if current_user.is_authenticated:
            ctx.update(menu_context(current_user))
            ctx["calendar_banner"] = banner_for(current_user)
        return ctx

    app.add_template_global(period_text, "period")

    @app.template_filter("localtime")
    def localtime(moment, fmt="%Y-%m-%d %H:%M"):
        return "" if moment is None else to_local(moment).strftime(fmt)

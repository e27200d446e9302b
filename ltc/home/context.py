"""Template context: navigation, permissions and the calendar banner for admins."""
from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from ltc.auth.permissions import can
from ltc.core.calendar import calendar_gap_banner
from ltc.core.clock import local_today, to_local
from ltc.extensions import db
from ltc.home.nav import nav_for
from ltc.orgs.kinds import ORG_KIND_LABELS
from ltc.web.periods import period_text


def install_context(app: Flask) -> None:
    @app.context_processor
    def inject():
        ctx = {"can": lambda action: current_user.is_authenticated and can(current_user, action),
               "nav_items": [], "calendar_banner": None, "org_kind_labels": ORG_KIND_LABELS,
               "get_locale": get_locale}
        if current_user.is_authenticated:
            ctx["nav_items"] = nav_for(current_user.org_kind, current_user.roles)
            if "admin" in current_user.roles:
                ctx["calendar_banner"] = calendar_gap_banner(local_today(), db.session)
        return ctx

    app.add_template_global(period_text, "period")

    @app.template_filter("localtime")
    def localtime(moment, fmt="%Y-%m-%d %H:%M"):
        return "" if moment is None else to_local(moment).strftime(fmt)

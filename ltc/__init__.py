"""ltc — long-term care insurance management. ``create_app`` is the application factory."""
import logging
import os

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ltc import (api, assessment, audit, auth, billing, calendar, compliance, demo, entitlements, home, notices, orgs,
                 people, policy, providers, ratings, reviews, scheduler, supervision, web)
from ltc.config import Config, instance_secret
from ltc.core import events
from ltc.core.db import configure_sqlite, ping_when_idle
from ltc.extensions import babel, bootstrap, csrf, db, login_manager, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: the domains, in the order they are wired and registered (registries keep this order, e.g. the
#: home page's work lists)
DOMAINS = (web, orgs, auth, people, policy, calendar, audit, notices, scheduler, assessment, providers,
           reviews, entitlements, compliance, billing, ratings, supervision, home, demo, api)


def wire() -> None:
    """Fill every registry and subscribe every event handler, explicitly (idempotent).

    ``create_app`` calls it; code that needs the registries without an app (e.g. a script) calls it
    too. Until then, publishing an event raises ``HubNotWired``."""
    for domain in DOMAINS:
        if hasattr(domain, "wire"):
            domain.wire()
    events.hub.mark_wired()


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=os.path.join(ROOT, "templates"),
                instance_path=os.environ.get("LTC_INSTANCE_PATH", os.path.join(ROOT, "instance")))
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "ltc.sqlite3")
    if proxies := app.config.get("TRUSTED_PROXIES"):
        # the client's address and scheme as the trusted proxies saw them, never as a client wrote them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    wire()
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        if db.engine.dialect.name != "sqlite" and not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
            ping_when_idle(db.engine)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(ROOT, "ltc", "translations"))
    bootstrap.init_app(app)

    for domain in DOMAINS:
        if hasattr(domain, "register"):
            domain.register(app)
    return app


def select_locale() -> str:
    """The session's chosen language, else the user's, else Chinese (zh_CN); on the API the
    request's Accept-Language first, then the token user's language."""
    from flask import current_app, g

    choices = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        locale = g.get("api_locale")   # the token user's, read when authenticated
        return (request.accept_languages.best_match(choices)
                or (locale if locale in choices else None)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    if session.get("lang") in choices:
        return session["lang"]
    if request.path.startswith("/api/") and (asked := request.accept_languages.best_match(choices)):
        return asked  # an API client names its language per request
    if getattr(current_user, "is_authenticated", False) and current_user.locale in choices:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]

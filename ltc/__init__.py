"""ltc — long-term care insurance management. ``create_app`` is the application factory."""
import logging
import os
from importlib import import_module

from flask import Flask, session
from flask_login import current_user

from ltc.config import Config, instance_secret
from ltc.core import web
from ltc.core.db import configure_sqlite
from ltc.extensions import babel, bootstrap, csrf, db, login_manager, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: every blueprint, as "module:attribute"
BLUEPRINTS = (
    "ltc.home.views:bp",
    "ltc.auth.views:bp",
    "ltc.orgs.views:bp",
    "ltc.people.views:bp",
    "ltc.policy.views:bp",
    "ltc.core.calendar_views:bp",
    "ltc.api:bp",
    "ltc.scheduler.views:bp",
    "ltc.assessment.expert_views:bp",
    "ltc.people.hospital_views:bp",
    "ltc.notices.views:bp",
    "ltc.assessment.views:bp",
    "ltc.providers.care_plan_views:bp",
    "ltc.providers.catalogue_views:bp",
    "ltc.entitlements.views:bp",
    "ltc.entitlements.views:requests_bp",
    "ltc.reviews.views:bp",
    "ltc.auth.token_views:bp",
    "ltc.core.audit_views:bp",
    "ltc.policy.edit_views:bp",
)
#: modules whose ``register(cli_group_owner)`` adds CLI commands
CLI_MODULES = ("ltc.auth.cli", "ltc.demo.cli", "ltc.people.cli", "ltc.scheduler.cli")
#: modules imported at start-up: the models (complete metadata for Alembic) and the modules
#: that register scope rules, person links and hooks
MODEL_MODULES = (
    "ltc.core.audit", "ltc.core.calendar", "ltc.orgs.models", "ltc.providers.models",
    "ltc.auth.models", "ltc.people.models", "ltc.policy.models", "ltc.assessment.models",
    "ltc.scheduler.models", "ltc.assessment.experts", "ltc.people.hospital", "ltc.notices.models",
    "ltc.assessment.application_models", "ltc.assessment.scope", "ltc.assessment.reassessment",
    "ltc.reviews.models", "ltc.reviews.scope", "ltc.entitlements.requests", "ltc.entitlements.subject",
    "ltc.entitlements.opening",
    "ltc.providers.catalogue", "ltc.providers.care_plans", "ltc.providers.care_plan_services",
    "ltc.entitlements.models", "ltc.entitlements.scope", "ltc.entitlements.services",
    "ltc.reviews.worklists",
)


def load_models() -> None:
    for name in MODEL_MODULES:
        import_module(name)


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    load_models()
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(ROOT, "ltc", "translations"))
    bootstrap.init_app(app)
    web.install(app)

    for spec in BLUEPRINTS:
        module, attr = spec.split(":")
        app.register_blueprint(getattr(import_module(module), attr))
    for module in CLI_MODULES:
        import_module(module).register(app)

    from ltc.home.context import install_context
    install_context(app)
    return app


def select_locale() -> str:
    """The session's chosen language, else the user's, else Chinese (zh_CN)."""
    from flask import current_app

    choices = current_app.config["LANGUAGES"]
    if session.get("lang") in choices:
        return session["lang"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in choices:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]

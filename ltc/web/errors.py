"""Web edge: security headers, error pages and DomainError → HTTP mapping (a unique key taken by a
concurrent request is a Conflict too)."""
from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from ltc.core.errors import DomainError
from ltc.core.unique import as_conflict
from ltc.web.messages import error_words, fields_words

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def domain_error(exc: DomainError):
    from ltc.extensions import db

    db.session.rollback()
    if wants_json():
        return jsonify(error=error_words(exc), fields=fields_words(exc)), exc.status
    return render_template("errors/error.html", code=exc.status, message=error_words(exc)), exc.status


def integrity_error(exc: IntegrityError):
    """A unique key taken by a concurrent request: 409 naming it (any other: a server error)."""
    conflict = as_conflict(exc)
    if conflict is None:
        return server_error(exc)
    return domain_error(conflict)


def http_error(exc: HTTPException):
    if wants_json():
        return jsonify(error=exc.description, fields={}), exc.code
    return render_template("errors/error.html", code=exc.code, message=exc.description), exc.code


def server_error(exc: Exception):
    from ltc.extensions import db

    app = current_app
    app.logger.exception("unhandled error")
    db.session.rollback()
    if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    if wants_json():
        return jsonify(error="internal error", fields={}), 500
    return render_template("errors/error.html", code=500, message=None), 500


def install(app: Flask) -> None:
    app.after_request(security_headers)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(IntegrityError, integrity_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)

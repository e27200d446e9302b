"""Web edge: security headers, error pages and DomainError → HTTP mapping."""
from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ltc.core.errors import DomainError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def install(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        from ltc.extensions import db

        db.session.rollback()
        if wants_json():
            return jsonify(error=exc.message, fields=exc.fields), exc.status
        return render_template("errors/error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            return jsonify(error=exc.description, fields={}), exc.code
        return render_template("errors/error.html", code=exc.code, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        from ltc.extensions import db

        app.logger.exception("unhandled error")
        db.session.rollback()
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        if wants_json():
            return jsonify(error="internal error", fields={}), 500
        return render_template("errors/error.html", code=500, message=None), 500

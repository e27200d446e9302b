"""Domain exceptions. Views and the API map them to form errors or JSON 4xx."""
from ltc.core.words import filled


class DomainError(Exception):
    """A business rule refused the operation. ``fields`` names the offending inputs."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, params: dict | None = None):
        """``message`` is the Chinese text and the msgid the UI translates; with ``params`` it is a
        template (``"%(n)s"``) filled in after translation, so the English UI can show it too. A string
        param may itself be a msgid (a label, a nested message); a list param is a list of them."""
        self.msgid = message
        self.params = params or {}
        self.message = filled(message, self.params)
        super().__init__(self.message)
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidTransition(Conflict):
    pass

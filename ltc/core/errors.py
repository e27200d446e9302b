"""Domain exceptions. Views and the API map them to form errors or JSON 4xx."""


class DomainError(Exception):
    """A business rule refused the operation. ``fields`` names the offending inputs."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
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

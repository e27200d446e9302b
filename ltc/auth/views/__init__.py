"""Pages of the auth domain: login and password (``login``), API tokens (``tokens``), user management (``users``)."""

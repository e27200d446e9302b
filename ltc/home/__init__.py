"""Home pages per role, navigation and template context."""

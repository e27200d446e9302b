"""Entitlements (待遇资格, SPEC §4.2): immutable periods of benefit, granted by the review or
migrated at go-live, shortened only by death or a change; the provider's list and the notice."""

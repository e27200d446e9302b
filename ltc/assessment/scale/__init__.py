"""The national disability scale (SPEC §3.2): versioned rulesets as data (``rulesets/*.json``), the
pure ``grade()``, their storage.
"""

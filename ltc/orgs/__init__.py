"""Organisations of the scheme (SPEC §1): MIA, insurers, assessment agencies, providers."""

"""Applications for a disability assessment and their lifecycle (SPEC §3.1): intake, acceptance,
dispatch, scheduling, the on-site record, confirmation, publicity, objections, conclusion.
"""

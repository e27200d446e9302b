"""Billing: pricing policy and monthly settlements (SPEC §7)."""

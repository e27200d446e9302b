"""The review engine (SPEC §4.1): case types as data, cases, visits, rounds and events."""

"""The review engine (SPEC §4.1): case types as data, cases, stages, rounds and events."""

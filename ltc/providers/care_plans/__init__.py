"""Care plans (护理计划, SPEC §5.3): versioned per (person, provider, care type), checked against the billing policy."""

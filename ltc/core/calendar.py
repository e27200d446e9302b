"""Working-day calendar (placeholder until the calendar module lands)."""


def calendar_gap_banner(today):
    return None

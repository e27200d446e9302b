"""The working calendar pages (SPEC §0.1): override dates and loaded years; the calendar itself is ``ltc.core.calendar``."""

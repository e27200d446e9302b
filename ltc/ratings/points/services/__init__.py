"""Violation points' services: which points a submitted settlement gives and when (``due``), attaching
them and the suspension they trigger (``attach``), what the pages read (``readers``)."""

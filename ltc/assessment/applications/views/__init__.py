"""Web pages of the assessment workflow under ``/assessment``: one blueprint (``blueprint.bp``), its
routes in ``queues``, ``intake``, ``detail`` and ``steps``.
"""

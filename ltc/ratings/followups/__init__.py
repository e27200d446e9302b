"""Follow-up visits (回访评价, SPEC §8): the insurer's worklist (new beneficiaries, the monthly sample,
complaints, the sample of persons with FLAG findings), workload and reassignment, the visit record,
the hold a "not confirmed" record puts on the person's records of the month, and the reassessment a
"no longer fits the level" finding opens.

``wire()`` registers the scope rule, the ``followups`` policy section, the held-persons reader billing
calls and the home page's work list; ``register(app)`` the pages. Both are called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing.holds import register_held_persons
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.policy.schema import register_section
    from ltc.ratings.followups import holds, merging, policy, scope, worklists
    from ltc.ratings.followups.models import FollowUp
    from ltc.web.worklists import add_worklist

    register_section(policy.SECTION, policy.FollowUpPolicy, policy.REF)
    add_scope_rule(FollowUp, scope.follow_ups_in_scope)
    register_held_persons(holds.held_persons)
    add_worklist(worklists.my_follow_ups)
    add_merge_hook(merging.HOOK)


def register(app: Flask) -> None:
    from ltc.ratings.followups import api, views  # noqa: F401  (api: adds its routes to the API blueprint)

    app.register_blueprint(views.bp)

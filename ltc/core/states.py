"""A status lifecycle as data (pure: no Flask, no database): the enum of statuses, the allowed moves
and the labels, with one transition check for every lifecycle of the system (applications, review
cases, entitlement requests …)."""
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from ltc.core.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """``noun`` names the thing whose status moves (e.g. "申请"), for the messages."""

    statuses: type[S]
    transitions: Mapping[S, frozenset[S] | set[S]]
    labels: Mapping[S, str]
    noun: str

    def check(self, current: str, target: str) -> S:
        """The target status, when ``current → target`` is allowed.

        Raises InvalidTransition naming both states; an unknown status name is refused the same way.
        """
        try:
            source, goal = self.statuses(current), self.statuses(target)
        except ValueError:
            raise InvalidTransition("未知的%(noun)s状态：%(source)s → %(target)s", {"status": "unknown status"},
                                    params={"noun": self.noun, "source": str(current), "target": str(target)}) from None
        if goal not in self.transitions[source]:
            raise InvalidTransition(
                "%(noun)s当前状态为“%(source)s”，不能变更为“%(goal)s”",
                {"status": f"cannot move from {source.value} to {goal.value}"},
                params={"noun": self.noun, "source": self.labels.get(source, source.value),
                        "goal": self.labels.get(goal, goal.value)})
        return goal

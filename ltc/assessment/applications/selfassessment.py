"""The self-assessment form (自评表) of SPEC §3.1 (pure: no Flask, no database).

Six items are answered independent / partly independent / dependent. A counts the
*dependent* answers among feeding, bowel & bladder and bathing; B among dressing, toileting
and transfer ("partly independent" does not count). The grade is GRADES[A][B]; grades A–D
can only be refused (``self_assessment_below_e``), E–G may be accepted.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ltc.core.errors import ValidationFailed


class Answer(StrEnum):
    INDEPENDENT = "independent"
    PARTLY = "partly"
    DEPENDENT = "dependent"


A_ITEMS = ("feeding", "bowel_bladder", "bathing")
B_ITEMS = ("dressing", "toileting", "transfer")
ITEMS = A_ITEMS + B_ITEMS
ITEM_LABELS = {"feeding": "进食", "bowel_bladder": "大小便控制", "bathing": "洗澡",
               "dressing": "穿衣", "toileting": "如厕", "transfer": "床椅转移"}
ANSWER_LABELS = {Answer.INDEPENDENT: "自理", Answer.PARTLY: "部分自理", Answer.DEPENDENT: "不能自理"}


class LetterGrade(StrEnum):
    """A self-assessment grade, A (least dependent) to G."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"


#: rows A = 0..3, columns B = 0..3
GRADES = (
    ("A", "B", "B", "C"),
    ("B", "C", "D", "E"),
    ("D", "E", "E", "F"),
    ("E", "F", "F", "G"),
)
ACCEPTABLE = frozenset("EFG")


@dataclass(frozen=True)
class SelfGrade:
    a: int
    b: int
    grade: str

    @property
    def acceptable(self) -> bool:
        """Whether an application with this self-assessment may be accepted (E–G)."""
        return self.grade in ACCEPTABLE


def check_answers(answers: Mapping[str, str]) -> dict[str, Answer]:
    """The six answers as ``Answer`` values. Raises ValidationFailed naming each missing,
    unknown or invalid item."""
    problems: dict[str, str] = {}
    parsed: dict[str, Answer] = {}
    for item in ITEMS:
        value = answers.get(item)
        if value is None or value == "":
            problems[item] = "required"
        elif value not in set(Answer):
            problems[item] = "must be independent, partly or dependent"
        else:
            parsed[item] = Answer(value)
    for item in sorted(set(answers) - set(ITEMS)):
        problems[item] = "unknown item"
    if problems:
        raise ValidationFailed("自评表填写不完整或有误：%(items)s",
                               {f"self_assessment.{k}": v for k, v in problems.items()},
                               params={"items": [ITEM_LABELS.get(k, k) for k in problems]})
    return parsed


def grade_self_assessment(answers: Mapping[str, str]) -> SelfGrade:
    """A, B and the grade of six answers. Raises ValidationFailed (see ``check_answers``)."""
    parsed = check_answers(answers)
    a = sum(parsed[item] is Answer.DEPENDENT for item in A_ITEMS)
    b = sum(parsed[item] is Answer.DEPENDENT for item in B_ITEMS)
    return SelfGrade(a=a, b=b, grade=GRADES[a][b])

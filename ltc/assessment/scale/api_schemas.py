"""Response models of the national scale, shared by the grading API and the joint assessment record."""
from ltc.api.schema import Out


class Grading(Out):
    adl_total: int
    cognition_total: int
    perception_total: int
    adl_grade: int
    cognition_grade: int
    perception_grade: int
    cp_grade: int
    level: int
    level_name: str
    ruleset: str

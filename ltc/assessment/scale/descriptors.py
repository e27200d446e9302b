"""What each score of each item means on the national scale (e.g. 进食 "10 分：可独立进食…"), shown
beside the choices when assessors enter the joint record (pure: no Flask, no database).

The wording ships per ruleset in ``descriptors/<ruleset id>.json``; a ruleset without such a file
(e.g. a city's own) shows the bare scores."""
import json
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).with_name("descriptors")


@lru_cache(maxsize=8)
def descriptors(ruleset_id: str) -> dict[str, dict[int, str]]:
    """Item code → score → wording, for ``ruleset_id`` ({} when none ships)."""
    path = SHIPPED / f"{ruleset_id}.json"
    if not path.is_file():
        return {}
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    return {code: {int(score): text for score, text in scores.items()} for code, scores in items.items()}


def choice_label(ruleset_id: str, item_code: str, score: int) -> str:
    """``10 分：可独立进食（…）``, or ``10`` without a wording for that score."""
    text = descriptors(ruleset_id).get(item_code, {}).get(score)
    return f"{score} 分：{text}" if text else str(score)

"""Time the rendering of a one-page notice PDF (SPEC §3.1). Run: .venv/bin/python bench/bench_notice_pdf.py [N]

Prints the first (cold: fonts loaded, templates compiled) and the following (warm) renderings.
A one-page Chinese notice should take well under a second; without libharfbuzz-subset0 it takes
several seconds (font subsetting falls back to a slow path).
"""
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ltc.notices.documents import KINDS, build_document, template_values  # noqa: E402
from ltc.notices.pdf import render_pdf  # noqa: E402

CONCLUSION = {
    "person_name": "张三丰", "id_number_masked": "1101**********1234", "sex": "男", "age": 82,
    "application_no": "SQ-2026-000123", "agency_name": "评估机构甲", "assessors": ["李评估", "王评估"],
    "experts": ["赵专家", "钱专家"], "assessed_on": date(2026, 3, 2), "confirmed_on": date(2026, 3, 4),
    "concluded_on": date(2026, 3, 16), "level": 4, "level_name": "重度失能Ⅱ级", "adl_total": 0, "adl_grade": 3,
    "cognition_total": 8, "cognition_grade": 1, "perception_total": 3, "perception_grade": 2, "cp_grade": 2,
    "grade_names": {0: "能力完好", 1: "轻度受损", 2: "中度受损", 3: "重度受损"},
    "valid_from": date(2026, 3, 16), "valid_to": date(2028, 3, 16), "ruleset": "CN-2021-37",
    "objection_text": "如对本结论有异议，请于2026年3月23日前向承办保险公司提出书面异议，申请复评。",
    "is_review": False,
}


def main(runs: int) -> None:
    document = build_document("conclusion", CONCLUSION)
    values = template_values(document, number="CON-2026-000001", issued_on=date(2026, 3, 16))
    template = KINDS["conclusion"].template
    timings, size = [], 0
    for _ in range(runs + 1):
        start = time.perf_counter()
        size = len(render_pdf(template, values))
        timings.append(time.perf_counter() - start)
    cold, warm = timings[0], timings[1:]
    print(f"conclusion notice, {size / 1024:.0f} KiB")
    print(f"cold: {cold * 1000:.0f} ms")
    print(f"warm: median {statistics.median(warm) * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms over {runs} runs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)

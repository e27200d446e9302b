"""What of a scenario body the trial form edits and what it carries unedited (试算, issue 11 point 2).

A real beneficiary-month's facts are dated (a category, tags, enrolment from a day to a day). A
value holding the whole month is shown on the form as a plain value; one that changes within the
month is carried as it is (the advanced view shows it), as are the parts the form has no field for:
the person's enrolment and coordinates, the provider's status and care types, the care plan."""
from datetime import date

from ltc.core.months import first_of_next_month


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _holding(periods: list[dict], month: date) -> list[dict]:
    end = first_of_next_month(month)
    return [p for p in periods if _day(p["from"]) < end and (p.get("to") is None or _day(p["to"]) > month)]


def _covers(period: dict, month: date) -> bool:
    to = _day(period.get("to"))
    return _day(period["from"]) <= month and (to is None or to >= first_of_next_month(month))


def whole_month(value, month: date):
    """A plain value as it is; a dated list's value when one period holds the whole month; else None."""
    if not isinstance(value, list):
        return value
    held = _holding(value, month)
    return held[0]["value"] if len(held) == 1 and _covers(held[0], month) else None


def whole_month_tags(tags: list, month: date) -> list[str] | None:
    """Plain tags as they are; dated tags when each one held holds the whole month; else None."""
    if not tags or isinstance(tags[0], str):
        return list(tags)
    held = _holding(tags, month)
    if not all(_covers(p, month) for p in held):
        return None
    return sorted({p["value"] for p in held})


def form_person(person: dict, month: date) -> dict:
    category = whole_month(person["category"], month)
    return {"category": category or "", "tags": whole_month_tags(person.get("tags") or [], month) or [],
            "death_date": _day(person.get("death_date"))}


def carried_parts(body: dict, month: date) -> dict:
    """The parts of ``body`` the form does not show as fields."""
    person, provider = body["person"], body["provider"]
    kept_person = {}
    if whole_month(person["category"], month) is None:
        kept_person["category"] = person["category"]
    if whole_month_tags(person.get("tags") or [], month) is None:
        kept_person["tags"] = person["tags"]
    if whole_month(person.get("enrolment", "active"), month) != "active":
        kept_person["enrolment"] = person["enrolment"]
    if person.get("coordinates") is not None:
        kept_person["coordinates"] = person["coordinates"]
    kept_provider = {}
    if provider.get("status", "active") != "active":
        kept_provider["status"] = provider["status"]
    entitled = sorted({e["care_type"] for e in body["entitlements"]})
    if provider.get("care_types") is not None and sorted(set(provider["care_types"])) != entitled:
        kept_provider["care_types"] = provider["care_types"]
    carried = {"person": kept_person, "provider": kept_provider, "plan": body.get("plan")}
    return {key: value for key, value in carried.items() if value}

"""The public provider directory under ``/directory`` (no login): the filtered list and a provider's page.
Organisation facts only; a provider that is not listed is a 404."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from ltc.core.clock import local_today
from ltc.extensions import db
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.ratings.directory import services
from ltc.ratings.run.kinds import COMPONENT_LABELS

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.get("/")
def index():
    today = local_today()
    districts = services.districts(db.session)
    district = request.args.get("district") or None
    care_type = request.args.get("care_type") or None
    district = district if district in {code for code, _name in districts} else None
    care_type = care_type if care_type in set(CareType) else None
    page, rows = services.search(db.session, day=today, district=district, care_type=care_type,
                                 page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"])
    return render_template("directory/index.html", page=page, rows=rows, districts=districts, district=district,
                           care_type=care_type, care_types=[(c.value, _(CARE_TYPE_LABELS[c])) for c in CareType])


@bp.get("/<int:provider_id>")
def provider(provider_id: int):
    today = local_today()
    entry = services.listing(db.session, provider_id, day=today)
    phone, price = services.contact(db.session, provider_id, today)
    parts = [{"name": _(COMPONENT_LABELS.get(c.name, c.name)), "n": c.n, "adjusted": c.adjusted,
              "scheme_mean": c.scheme_mean, "weight": c.weight}
             for c in services.components(db.session, provider_id, entry.monthly_month)]
    return render_template("directory/provider.html", entry=entry, phone=phone, price=price, components=parts,
                           history=services.monthly_history(db.session, provider_id, day=today))

"""The modules holding the status enums (and billing, which reads two of them) stay pure: importing
one loads neither SQLAlchemy nor any models module."""
import json
import subprocess
import sys

PURE = ["ltc.people.kinds", "ltc.orgs.kinds", "ltc.providers.kinds", "ltc.reviews.states",
        "ltc.entitlements.states", "ltc.entitlements.dates", "ltc.assessment.applications.document_types",
        "ltc.billing.benefits", "ltc.billing.policy"]
# one fresh interpreter imports each module in turn and names what it loaded (a module loaded by an
# earlier one would have been named there)
PROBE = """
import importlib, json, sys
import ltc
loaded = {}
for module in sys.argv[1:]:
    before = set(sys.modules)
    importlib.import_module(module)
    loaded[module] = sorted(m for m in set(sys.modules) - before
                            if m.split(".")[0] in ("sqlalchemy", "flask") or m.endswith("models"))
print(json.dumps(loaded))
"""


def _database_code_loaded_by(*modules: str) -> dict[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_enum_modules_and_billing_import_no_database_code():
    assert _database_code_loaded_by(*PURE) == {module: [] for module in PURE}


def test_the_probe_sees_a_models_import():
    assert "ltc.people.models" in _database_code_loaded_by("ltc.people.models")["ltc.people.models"]

"""The suite hashes with a cheap method (tests/conftest.py); this test keeps the app's own one honest."""
from ltc.auth import passwords
from tests.conftest import PRODUCTION_HASH_METHOD


def test_the_apps_own_hash_method_is_scrypt_and_verifies_only_the_right_password(monkeypatch):
    monkeypatch.setattr(passwords, "HASH_METHOD", PRODUCTION_HASH_METHOD)
    stored = passwords.hash_password("Richtig-2026")
    assert stored.startswith("scrypt:") and "Richtig-2026" not in stored
    assert passwords.verify_password(stored, "Richtig-2026")
    assert not passwords.verify_password(stored, "richtig-2026")
    assert passwords.hash_password("Richtig-2026") != stored  # salted

"""Password hashing and policy (pure)."""
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
#: werkzeug hash method; the test suite lowers the cost to stay fast
HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字"
    return None

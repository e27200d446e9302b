"""Autogenerate the next Alembic migration from the committed models (run from the repo root).

    .venv/bin/python scripts/new_migration.py "add hospital stays"

Works in a throw-away git worktree of HEAD against an SQLite database upgraded to the
current head, so uncommitted work in progress never leaks into a migration. PostgreSQL
EXCLUDE constraints, which autogenerate renders unconditionally inside create_table, are
moved into PostgreSQL-only ALTER TABLE statements.
"""
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRIVER = """
import sys
from ltc import create_app
import flask_migrate
app = create_app()
with app.app_context():
    flask_migrate.upgrade()
    flask_migrate.migrate(message=sys.argv[1], rev_id=sys.argv[2])
"""


def move_exclusions(source: str) -> str:
    out, statements, table = [], [], None
    for line in source.split("\n"):
        if m := re.match(r"\s*op\.create_table\('(\w+)'", line):
            table = m.group(1)
        if "postgresql.ExcludeConstraint(" not in line:
            out.append(line)
            continue
        name = re.search(r"name='(\w+)'", line).group(1)
        parts = [f"{c} WITH =" for c in re.findall(r"\(sa\.column\('(\w+)'\), '='\)", line)]
        parts.append(re.search(r'sa\.text\("(daterange\([^"]+\))"\)', line).group(1) + " WITH &&")
        sql = f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist ({', '.join(parts)})"
        if where := re.search(r'where=sa\.text\("([^"]+)"\)', line):
            sql += f" WHERE ({where.group(1)})"
        statements.append(sql)
    text = "\n".join(out)
    if statements:
        block = '    if op.get_bind().dialect.name == "postgresql":\n' + "\n".join(
            f'        op.execute("{s}")' for s in statements) + "\n"
        text = text.replace("    # ### end Alembic commands ###\n", "    # ### end Alembic commands ###\n" + block, 1)
    return text


def main(message: str) -> None:
    versions = ROOT / "migrations" / "versions"
    rev_id = f"{len(list(versions.glob('[0-9]*.py'))) + 1:04d}"
    work = Path(tempfile.mkdtemp(prefix="ltc-migration-"))
    tree = work / "tree"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), "HEAD"], cwd=ROOT, check=True)
    try:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "LTC_INSTANCE_PATH": str(work / "instance"),
               "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "HOME": str(work)}
        subprocess.run([sys.executable, "-c", DRIVER, message, rev_id], cwd=tree, env=env, check=True)
        [generated] = (tree / "migrations" / "versions").glob(f"{rev_id}_*.py")
        target = versions / generated.name
        target.write_text(move_exclusions(generated.read_text()))
        print(f"wrote {target.relative_to(ROOT)}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1])

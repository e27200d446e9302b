"""Run every bench/bench_*.py in turn (each prints its own figures)."""
import subprocess
import sys
from pathlib import Path

for script in sorted(Path(__file__).parent.glob("bench_*.py")):
    print(f"=== {script.name}")
    subprocess.run([sys.executable, str(script)], check=False)

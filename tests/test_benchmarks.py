"""The benchmarks keep working: `python -m benchmarks --quick` runs every one of them.

This is not a timed test: the targets are judged by a full run (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for measure in ("decode", "event_types.list()", "deployments.page()", "log frames",
                    "deployments.list()", "streams open at once",
                    "folder (pack + upload)"):  # fmt: skip
        assert measure in done.stdout
    assert "quick run" in done.stdout


def test_the_runner_also_runs_as_a_file() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "decode"],
        cwd=ROOT / "tests", capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "decode 1,000 deployments" in done.stdout

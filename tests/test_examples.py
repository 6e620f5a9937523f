"""The examples run as users run them, against the embedded FakeScalingo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_quickstart_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "App operations: App deployed, App restarted" in done.stdout
    assert "build-error" in done.stdout
    assert "a missing app raises NotFoundError: app not found" in done.stdout
    assert done.stderr == ""

"""The package ships its type information and exports its public names."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import scalingo_async

ROOT = Path(__file__).resolve().parent.parent


def test_public_names_are_exported() -> None:
    for name in scalingo_async.__all__:
        assert hasattr(scalingo_async, name), name
    for name in ["Client", "Page", "Pagination", "EventType", "Deployment", "OperationStatus",
                 "APIError", "RateLimitError", "DecodeError", "ScalingoError"]:  # fmt: skip
        assert name in scalingo_async.__all__


def test_wheel_ships_py_typed(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("scalingo_async-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "scalingo_async/py.typed" in names
    assert "scalingo_async/testing/fake.py" in names
    assert "scalingo_async/sample_app/Procfile" in names  # the demo deploys it
    assert not [n for n in names if n.startswith("tests/")]

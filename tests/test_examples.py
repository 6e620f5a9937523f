"""The examples run as users run them, against the embedded FakeScalingo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_quickstart() -> None:
    done = run("quickstart.py")
    assert done.returncode == 0, done.stderr
    assert "App operations: App deployed, App restarted" in done.stdout
    assert "build-error" in done.stdout
    assert "a missing app raises NotFoundError: app not found" in done.stdout
    assert done.stderr == ""


def test_watch_deployments_reports_every_status_change() -> None:
    done = run("watch_deployments.py", "--fake")
    assert done.returncode == 0, done.stderr
    assert "5 deployments ended" in done.stdout
    for app in ("app-02", "app-07", "app-11", "app-13", "app-19"):
        assert f"{app}" in done.stdout
    assert "✗ build-error" in done.stdout
    assert "✗ crashed-error" in done.stdout
    assert done.stdout.count("✓ success") == 3
    assert done.stdout.count(" building") == 5


@pytest.mark.parametrize(("flags", "code"), [((), 0), (("--fail",), 1)])
def test_ci_deploy(flags: tuple[str, ...], code: int) -> None:
    done = run("ci_deploy.py", "--fake", *flags)
    assert done.returncode == code, done.stderr
    assert "-----> Build completed in 12.4s" in done.stdout or "--fail" in flags
    assert "==> building" in done.stdout
    if code:
        assert "::error::deployment of my-app failed with build-error" in done.stderr
    else:
        assert "deployed my-app at ci-build" in done.stdout


@pytest.mark.parametrize(("flags", "code", "text"), [
    ((), 0, "scale done"), (("--restart",), 0, "restart done"),
    (("--fail",), 1, "not enough capacity"),
])  # fmt: skip
def test_scale_and_wait(flags: tuple[str, ...], code: int, text: str) -> None:
    done = run("scale_and_wait.py", "--fake", *flags)
    assert done.returncode == code, done.stderr
    assert text in done.stdout + done.stderr
    assert "running" in done.stdout

"""Every CLI command against --fake, in both output modes, and every exit code."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from scalingo_async.cli import main


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--fake", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("src") / "my-site"
    path.mkdir()
    (path / "index.html").write_text("<h1>hi</h1>\n")
    return str(path)


COMMANDS = [
    (["event-types"], "app_deployed"),
    (["event-categories"], "App operations"),
    (["apps", "show", "sample-app"], "sample-app"),
    (["apps", "restart", "sample-app", "--scope", "web"], "operation"),
    (["apps", "scale", "sample-app", "web=2:L", "worker=1"], "worker"),
    (["deployments", "list", "sample-app", "--limit", "3"], "dep-0010"),
    (["deployments", "show", "sample-app", "dep-0004"], "build-error"),
    (["deployments", "output", "sample-app", "dep-0004"], "Build failed"),
    (["deployments", "follow", "sample-app"], "success"),
    (["deployments", "reset-cache", "sample-app"], "sample-app"),
    (["deploy", "sample-app", "https://example.com/a.tar.gz", "--no-follow"], "dep"),
    (["deploy", "sample-app", "FOLDER", "--git-ref", "v9"], "Build completed"),
    (["operations", "show", "sample-app", "op-done"], "pending"),
    (["operations", "wait", "sample-app", "op-done", "--interval", "0.001"], "done"),
    (["events", "list"], "deployment"),
    (["events", "list", "api-gateway", "--limit", "5"], "scale"),
]


@pytest.mark.parametrize(("argv", "expected"), COMMANDS, ids=lambda v: " ".join(v)[:40])
def test_every_command_in_human_form(argv: list[str], expected: str, folder: str) -> None:
    code, out, err = run(*[folder if a == "FOLDER" else a for a in argv])
    assert (code, err) == (0, "")
    assert expected in out


@pytest.mark.parametrize(("argv", "expected"), COMMANDS, ids=lambda v: " ".join(v)[:40])
def test_every_command_as_json(argv: list[str], expected: str, folder: str) -> None:
    code, out, err = run("--json", *[folder if a == "FOLDER" else a for a in argv])
    assert (code, err) == (0, "")
    streaming = (argv[0] == "deploy" and "--no-follow" not in argv) or argv[1:2] == ["follow"]
    documents = [orjson.loads(line) for line in out.splitlines()] if streaming else [
        orjson.loads(out)]  # fmt: skip
    assert expected in orjson.dumps(documents).decode()


def test_tables_are_aligned_and_times_local() -> None:
    code, out, _ = run("deployments", "list", "sample-app", "--limit", "2")
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split() == ["ID", "CREATED", "STATUS", "GIT", "REF", "PUSHER"]
    assert header.index("STATUS") == first.index("success") == second.index("success")
    assert first.startswith("dep-0012")


def test_a_failed_deployment_exits_1(folder: str) -> None:
    code, out, _ = run("deploy", "broken-app", folder)
    assert code == 1
    assert "==> build-error" in out
    code, out, _ = run("deployments", "follow", "sample-app", "dep-0004")
    assert code == 1
    assert "Build failed" in out


def test_a_failed_or_late_operation_exits_1() -> None:
    code, _, err = run("operations", "wait", "sample-app", "op-failed", "--interval", "0.001")
    assert code == 1
    assert "not enough capacity" in err
    code, _, err = run("operations", "wait", "sample-app", "op-done", "--timeout", "0.000001")
    assert code == 1
    assert "not finished after" in err


@pytest.mark.parametrize(
    "argv",
    [[], ["deployments"], ["apps", "scale", "x", "web=two"], ["deployments", "list", "x",
     "--limit", "0"], ["apps", "show", ".."], ["no-such-command"]],
)  # fmt: skip
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert "error" in capsys.readouterr().err + err


def test_api_errors_exit_3_without_a_traceback() -> None:
    code, out, err = run("apps", "show", "no-such-app")
    assert (code, out) == (3, "")
    assert "app not found" in err
    assert "Traceback" not in err
    code, _, err = run("--debug", "apps", "show", "no-such-app")
    assert code == 3
    assert "Traceback" in err


def test_the_real_api_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCALINGO_API_TOKEN", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["event-types"], out=out, err=err) == 2
    assert "SCALINGO_API_TOKEN is not set" in err.getvalue()


def test_a_long_wait_shows_progress_on_a_terminal() -> None:
    out, err = io.StringIO(), Tty()
    argv = ["--fake", "operations", "wait", "sample-app", "op-done", "--interval", "0.001"]
    assert main(argv, out=out, err=err) == 0
    assert "restart op-done: running (0s)" in err.getvalue()
    code, _, err_text = run("operations", "wait", "sample-app", "op-done", "--interval", "0.001")
    assert code == 0
    assert err_text == ""  # not a terminal: no progress


def test_the_console_script_and_the_demo() -> None:
    script = Path(sys.executable).with_name("scalingo-async")
    done = subprocess.run([str(script), "--fake", "event-categories"], capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Addons" in done.stdout
    demo = subprocess.run([sys.executable, "-m", "scalingo_async", "demo", "--fast"],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert "7. Errors are typed" in demo.stdout
    assert "==> success" in demo.stdout
    assert "Done in" in demo.stdout
    assert "\033[" not in demo.stdout  # no colours off a terminal


@pytest.mark.parametrize("as_json", [False, True])
def test_empty_lists(as_json: bool) -> None:
    flags = ["--json"] if as_json else []
    # An app with no deployments or events yet: nothing listed, a header alone for people.
    for argv in (["events", "list", "new-app"], ["deployments", "list", "new-app"]):
        code, out, err = run(*flags, *argv)
        assert (code, err) == (0, "")
        assert orjson.loads(out) == [] if as_json else len(out.splitlines()) == 1

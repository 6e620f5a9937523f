"""No token in any log line, exception message or repr, whatever happens."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from scalingo_async import Client, ScalingoError
from scalingo_async.testing import FakeScalingo


async def test_no_token_in_logs_errors_or_reprs(
    fake_scalingo: FakeScalingo, caplog: pytest.LogCaptureFixture, closed_port: int
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, aiohttp's, asyncio's
    errors: list[BaseException] = []
    fake = fake_scalingo
    fake.add_deployment("my-app")

    async def expect_error(call: object) -> None:
        try:
            await call  # type: ignore[misc]
        except ScalingoError as error:
            errors.append(error)
        else:
            raise AssertionError("expected an error")

    async with fake.client(max_retries=1) as client:
        await client.event_types.list()
        fake.revoke_tokens()
        await client.apps.get("my-app")
        await expect_error(client.apps.get("ghost"))
        await expect_error(client.deployments.create("my-app", source_url=""))
        fake.fail_next("GET", "/v1/event_types", 429, b"Retry later", times=2,
                       headers={"Retry-After": "0"})  # fmt: skip
        await expect_error(client.event_types.list())
        fake.fail_next("GET", "/v1/event_types", 200, b"<html>oops</html>")
        await expect_error(client.event_types.list())
        fake.fail_next("GET", "/v1/event_types", 401, {"error": "nope"}, times=2)
        await expect_error(client.event_types.list())
        shown = [repr(client), str(client), repr(client.deployments)]
    async with fake.client(token="tk-us-wrong-secret-token") as client:
        await expect_error(client.event_types.list())
    async with Client(fake.api_token, auth_url=fake.auth_url, region="mars") as client:
        await expect_error(client.event_types.list())
    async with Client(fake.api_token, auth_url=f"http://127.0.0.1:{closed_port}") as client:
        await expect_error(client.event_types.list())

    secrets = {fake.api_token, "tk-us-wrong-secret-token"}
    secrets |= {r.headers["Authorization"].split()[1] for r in fake.requests
                if r.headers.get("Authorization", "").startswith("Bearer")}  # fmt: skip
    assert len(secrets) >= 4  # the API token, a wrong one, and at least two bearers
    texts = [r.getMessage() for r in caplog.records] + shown
    texts += [f"{e!s} {e!r} {getattr(e, 'body', '')}" for e in errors]
    assert len(errors) == 8
    assert any("<redacted>" in t for t in texts)
    for secret in secrets:
        assert not [t for t in texts if secret in t]


def test_scalingo_log_turns_on_debug_logging_to_stderr() -> None:
    script = textwrap.dedent("""
        import asyncio
        from scalingo_async.testing import FakeScalingo

        async def main():
            async with FakeScalingo() as fake, fake.client() as client:
                await client.event_types.list()
                print(fake.api_token)

        asyncio.run(main())
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True,
        env={"SCALINGO_LOG": "debug", "PATH": ""},
    )  # fmt: skip
    token = done.stdout.strip()
    assert token.startswith("tk-us-")
    assert "POST http://127.0.0.1" in done.stderr
    assert "/v1/event_types -> 200" in done.stderr
    assert "'Authorization': 'Bearer <redacted>'" in done.stderr
    assert token not in done.stderr

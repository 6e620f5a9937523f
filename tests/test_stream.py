"""The live deployment stream, follow() and deploy(), against FakeScalingo's websocket."""

from __future__ import annotations

import asyncio
import io
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from scalingo_async import (
    Client,
    DecodeError,
    Deployment,
    DeploymentFailedError,
    DeploymentLogEvent,
    DeploymentNewEvent,
    DeploymentStatus,
    DeploymentStatusEvent,
    DeploymentStream,
    DeploymentStreamEvent,
    PingEvent,
    StreamAuthenticationError,
    StreamError,
)
from scalingo_async.testing import FakeScalingo
from scalingo_async.testing._live import BUILD_LOG


@pytest.fixture
def app_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sample-app"
    (folder / "static").mkdir(parents=True)
    (folder / "app.py").write_text("print('hello')\n")
    (folder / "Procfile").write_text("web: python app.py\n")
    (folder / "static" / "style.css").write_text("body {}\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


async def _drain(
    stream: DeploymentStream, on_event: Callable[[object], None] | None = None
) -> None:
    async with stream:
        async for event in stream:
            if on_event is not None:
                on_event(event)


async def _start(
    fake: FakeScalingo, client: Client, log: list[str], status: str = "success"
) -> Deployment:
    """Create a deployment of my-app that runs `log` to `status` on the fake."""
    fake.add_app("my-app")
    fake.plan_deployment("my-app", status, log)
    return await client.deployments.create("my-app", source_url="https://x/a.tgz")


def _lines(fake: FakeScalingo, dep_id: str) -> list[str]:
    return fake.outputs[dep_id].splitlines()


async def test_deploy_a_folder_to_success(fake_scalingo: FakeScalingo, app_folder: Path) -> None:
    fake_scalingo.add_app("my-app")
    seen: list[str] = []
    async with fake_scalingo.client() as client:
        deployment = await client.deployments.deploy(
            "my-app", app_folder, git_ref="v2", follow=seen.append
        )
    assert deployment.status is DeploymentStatus.SUCCESS
    assert deployment.git_ref == "v2"
    assert seen == _lines(fake_scalingo, deployment.id)  # every line once, in order
    assert seen[: len(BUILD_LOG)] == BUILD_LOG
    (upload,) = [r for r in fake_scalingo.requests if r.method == "PUT"]
    # API-NOTES.md: "PUT the .tar.gz to upload_url with Content-Type: application/x-gzip"
    assert upload.headers["Content-Type"] == "application/x-gzip"
    assert "Authorization" not in upload.headers  # a presigned URL gets no token
    with tarfile.open(fileobj=io.BytesIO(upload.body), mode="r:gz") as tar:
        names = sorted(tar.getnames())
    assert names == ["sample-app", "sample-app/Procfile", "sample-app/app.py",
                     "sample-app/static", "sample-app/static/style.css"]  # fmt: skip
    assert len(fake_scalingo.requests_to("POST", "/v1/apps/my-app/deployments")) == 1


@pytest.mark.parametrize(
    ("status", "last_line"),
    [
        ("build-error", "Build failed"),
        ("crashed-error", "crashed on boot"),
        ("timeout-error", "did not start within 60 seconds"),
        ("hook-error", "postdeploy hook"),
        ("aborted", "aborted"),
    ],
)
async def test_each_failure_status_raises_with_its_logs(
    fake_scalingo: FakeScalingo, app_folder: Path, status: str, last_line: str
) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.plan_deployment("my-app", status)
    lines: list[str] = []

    async def collect(line: str) -> None:  # a coroutine callback works too
        lines.append(line)

    async with fake_scalingo.client() as client:
        with pytest.raises(DeploymentFailedError) as info:
            await client.deployments.deploy("my-app", app_folder, follow=collect)
    error = info.value
    assert error.deployment.status == status
    assert error.deployment.status.is_error
    assert last_line in error.lines[-1]
    assert last_line in str(error)
    assert error.lines == lines[-50:]


async def test_deploy_without_raising_returns_the_failed_deployment(
    fake_scalingo: FakeScalingo,
) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.plan_deployment("my-app", "build-error")
    async with fake_scalingo.client() as client:
        deployment = await client.deployments.deploy(
            "my-app", "https://example.com/app.tar.gz", raise_on_failure=False
        )
    assert deployment.status is DeploymentStatus.BUILD_ERROR
    assert not fake_scalingo.requests_to("POST", "/v1/sources")  # a URL is deployed as is


async def test_deploy_bytes_with_two_top_folders_fails_the_build(
    fake_scalingo: FakeScalingo,
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("a/x.txt", "b/y.txt"):
            info = tarfile.TarInfo(name)
            tar.addfile(info, io.BytesIO(b""))
    fake_scalingo.add_app("my-app")
    async with fake_scalingo.client() as client:
        with pytest.raises(DeploymentFailedError, match="single top folder"):
            await client.deployments.deploy("my-app", buffer.getvalue())


async def test_an_archive_over_the_limit_is_refused_before_upload(
    fake_scalingo: FakeScalingo, tmp_path: Path
) -> None:
    fake_scalingo.add_app("my-app")
    big = tmp_path / "big.tar.gz"
    with big.open("wb") as file:
        file.truncate(314_572_801)
    async with fake_scalingo.client() as client:
        with pytest.raises(ValueError, match="314,572,800"):
            await client.deployments.deploy("my-app", big)
        with pytest.raises(ValueError, match="no such file or folder"):
            await client.deployments.deploy("my-app", tmp_path / "missing")
    assert not fake_scalingo.requests_to("POST", "/v1/sources")


async def test_three_drops_mid_build_lose_and_repeat_nothing() -> None:
    log = [f"step {i:03d}" for i in range(300)]
    async with FakeScalingo(pace=0.002, stream_ping_interval=0.05) as fake:
        async with fake.client() as client:
            created = await _start(fake, client, log)
            seen: list[str] = []
            statuses: list[str] = []
            async for event in client.deployments.follow("my-app", created.id, check_interval=0):
                if isinstance(event, DeploymentLogEvent):
                    seen.append(event.content)
                    if event.content in ("step 050", "step 120", "step 200"):
                        assert fake.drop_streams("my-app") == 1
                elif isinstance(event, DeploymentStatusEvent):
                    statuses.append(event.status)
        assert seen == _lines(fake, created.id)
        assert fake.live.connections == 4
        assert statuses[-1] == "success"
        assert len(statuses) == len(set(statuses))


async def test_rejected_auth_raises_without_retrying(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_app("my-app")
    async with fake_scalingo.client() as good:
        await good.event_types.list()
    bearer = fake_scalingo.requests_to("GET", "/v1/event_types")[0].headers["Authorization"]
    async with Client(
        "tk-us-wrong", bearer_token=bearer.split()[1], api_url=fake_scalingo.api_url
    ) as client:
        with pytest.raises(StreamAuthenticationError, match="refused the token"):
            await _drain(client.deployments.stream("my-app", token="api_token"))
    assert fake_scalingo.live.attempts == 1
    assert fake_scalingo.live.connections == 0


async def test_the_api_token_option(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_deployment("my-app", output="one\n")
    async with (
        fake_scalingo.client() as client,
        client.deployments.stream("my-app", token="api_token") as stream,
    ):
        async for event in stream:
            assert event == DeploymentLogEvent(fake_scalingo.deployments["my-app"][0]["id"], "one")
            break


async def test_unknown_and_malformed_frames(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_app("my-app")
    live = fake_scalingo.live
    async with fake_scalingo.client() as client:
        async with client.deployments.stream("my-app", skip_malformed=True) as stream:
            await live.wait_for_streams("my-app")
            live.send_raw("my-app", '{"type": "progress", "id": "d1", "data": {"percent": 5}}')
            live.send_raw("my-app", "<html>proxy error</html>")
            live.send_raw("my-app", '{"type": "new", "data": {"deployment": {"id": "d2"}}}')
            live.send_raw("my-app", '{"type": "log", "id": "d2", "data": {"content": "ok"}}')
            events = []
            async for event in stream:
                events.append(event)
                if len(events) == 3:
                    break
        assert events[0] == DeploymentStreamEvent("progress", {"percent": 5}, "d1")
        assert isinstance(events[1], DeploymentNewEvent)
        assert events[1].deployment is not None
        assert events[2] == DeploymentLogEvent("d2", "ok")
        async with client.deployments.stream("my-app") as stream:
            await live.wait_for_streams("my-app")
            live.send_raw("my-app", "<html>proxy error</html>")
            with pytest.raises(DecodeError, match="not JSON") as info:
                async for _ in stream:
                    pass
        assert info.value.excerpt == "<html>proxy error</html>"
        await live.wait_for_streams("my-app", 0)


async def test_follow_a_finished_deployment(fake_scalingo: FakeScalingo) -> None:
    done = fake_scalingo.add_deployment("my-app", status="timeout-error", output="a\nb\n")
    async with fake_scalingo.client() as client:
        events = [e async for e in client.deployments.follow("my-app", done["id"])]
    assert events == [
        DeploymentLogEvent(done["id"], "a"),
        DeploymentLogEvent(done["id"], "b"),
        DeploymentStatusEvent(done["id"], DeploymentStatus.TIMEOUT_ERROR),
    ]
    assert fake_scalingo.live.attempts == 0


async def test_follow_filters_on_its_deployment_without_a_new_frame(
    fake_scalingo: FakeScalingo,
) -> None:
    fake_scalingo.add_deployment("my-app", status="success", output="old line\n")
    async with fake_scalingo.client() as client:
        created = await client.deployments.create("my-app", source_url="https://x/a.tgz")
        events = [e async for e in client.deployments.follow("my-app", created.id)]
    assert all(e.deployment_id == created.id for e in events)  # type: ignore[union-attr]
    assert "old line" not in [getattr(e, "content", None) for e in events]
    assert events[-1] == DeploymentStatusEvent(created.id, DeploymentStatus.SUCCESS)


async def test_follow_falls_back_to_polling(closed_port: int) -> None:
    async with FakeScalingo(pace=0.001, hold_until_watched=False) as fake:
        dead = f"ws://127.0.0.1:{closed_port}/apps/my-app"
        fake.add_app("my-app", links={"deployments_stream": dead})
        async with fake.client() as client:
            created = await client.deployments.create("my-app", source_url="https://x/a.tgz")
            events = [e async for e in client.deployments.follow("my-app", created.id,
                                                                  poll_interval=0.01)]  # fmt: skip
        lines = [e.content for e in events if isinstance(e, DeploymentLogEvent)]
        assert lines == _lines(fake, created.id)
        assert events[-1] == DeploymentStatusEvent(created.id, DeploymentStatus.SUCCESS)


async def test_the_reconnect_bound(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_deployment("my-app", output="line\n")
    async with fake_scalingo.client() as client:
        stream = client.deployments.stream("my-app", max_reconnects=2)

        def refuse_from_now(event: object) -> None:
            if isinstance(event, DeploymentLogEvent):
                fake_scalingo.live.refuse = True
                fake_scalingo.drop_streams()

        with pytest.raises(StreamError, match=r"lost 3 times in a row \(max_reconnects=2\)"):
            await _drain(stream, refuse_from_now)
    assert fake_scalingo.live.attempts == 1 + 2  # the first connection, then two reconnects


async def test_a_stream_that_never_opens(fake_scalingo: FakeScalingo, closed_port: int) -> None:
    dead = f"ws://127.0.0.1:{closed_port}/apps/my-app"
    fake_scalingo.add_app("my-app", links={"deployments_stream": dead})
    fake_scalingo.add_app("http-app", links={"deployments_stream": "ws://example.com/apps/x"})
    async with fake_scalingo.client() as client:
        with pytest.raises(StreamError, match="could not open"):
            async with client.deployments.stream("my-app"):
                pass
        with pytest.raises(StreamError, match="wss://"):
            async with client.deployments.stream("http-app"):
                pass


def _client_tasks() -> set[asyncio.Task[object]]:
    server = "RequestHandler.start"  # the fake's connection handlers, not the client's
    return {t for t in asyncio.all_tasks()
            if getattr(t.get_coro(), "__qualname__", "") != server}  # fmt: skip


@pytest.mark.parametrize("how", ["cancel", "break", "exit"])
async def test_closing_the_stream_leaves_nothing_behind(
    fake_scalingo: FakeScalingo, how: str
) -> None:
    fake_scalingo.add_deployment("my-app", output="".join(f"l{i}\n" for i in range(100)))
    async with fake_scalingo.client() as client:
        await client.event_types.list()
        before = _client_tasks()
        got_one = asyncio.Event()

        async def consume() -> None:
            if how == "break":
                async for _ in client.deployments.stream("my-app"):
                    break
                return
            async with client.deployments.stream("my-app") as stream:
                async for _ in stream:
                    got_one.set()
                    if how == "exit":
                        return
                    await asyncio.Event().wait()  # until cancelled

        task = asyncio.create_task(consume())
        if how == "cancel":
            await asyncio.wait_for(got_one.wait(), 5)
            task.cancel()
        with pytest.raises(asyncio.CancelledError) if how == "cancel" else _no_error():
            await task
        await fake_scalingo.live.wait_for_streams("my-app", 0)  # the server saw it close
        # After a plain `break`, Python closes the generator in a task of its own: it must end
        # by itself, promptly, and nothing else may be left.
        left = _client_tasks() - before - {asyncio.current_task()}
        if left:
            _, pending = await asyncio.wait(left, timeout=5)
            assert not pending


class _no_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


async def test_pings_are_events(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.stream_ping_interval = 0.01
    fake_scalingo.add_app("my-app")
    async with fake_scalingo.client() as client, client.deployments.stream("my-app") as stream:
        async for event in stream:
            assert isinstance(event, PingEvent)
            assert event.ts is not None
            break


async def test_a_packed_folder_leaves_no_file_behind_even_when_cancelled(
    fake_scalingo: FakeScalingo, app_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    fake_scalingo.add_app("my-app")
    async with fake_scalingo.client() as client:
        await client.deployments.deploy("my-app", app_folder)
        assert list(scratch.iterdir()) == []
        fake_scalingo.fail_next("PUT", "/sources/*", delay=30)
        task = asyncio.create_task(client.deployments.deploy("my-app", app_folder))
        await fake_scalingo.wait_for_requests("PUT", "/sources/*", count=2)
        assert len(list(scratch.iterdir())) == 1  # the archive, being uploaded
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert list(scratch.iterdir()) == []


async def test_sources_by_hand_stream_a_file_and_resend_it_whole(
    fake_scalingo: FakeScalingo, app_folder: Path, tmp_path: Path
) -> None:
    from scalingo_async._archive import archive_for

    archive = archive_for(app_folder, tmp_path / "app.tar.gz")
    fake_scalingo.fail_next("PUT", "/sources/*", 503, times=1)
    async with fake_scalingo.client() as client:
        source = await client.sources.create()
        await client.sources.upload(source, archive)  # streamed from disk, retried after the 503
        big = tmp_path / "big.tar.gz"
        with big.open("wb") as file:
            file.truncate(314_572_801)
        with pytest.raises(ValueError, match="at most 314,572,800"):
            await client.sources.upload(source, big)
        with pytest.raises(ValueError, match="at most 314,572,800"):
            await client.sources.upload(source, b"\0" * 314_572_801)
    assert source.download_url.startswith(fake_scalingo.api_url)
    first, second = [r for r in fake_scalingo.requests if r.method == "PUT"]
    assert first.body == second.body == archive.read_bytes()
    assert second.headers["Content-Length"] == str(archive.stat().st_size)  # not chunked
    assert fake_scalingo.archives[source.upload_url.rsplit("/", 1)[1]] == archive.read_bytes()


async def test_follow_carries_on_by_polling_when_the_stream_is_lost_for_good() -> None:
    log = [f"line {i:03d}" for i in range(120)]
    async with FakeScalingo(pace=0.002) as fake:
        async with fake.client() as client:
            created = await _start(fake, client, log)
            seen: list[str] = []
            follow = client.deployments.follow(
                "my-app", created.id, poll_interval=0.01, max_reconnects=2
            )
            async for event in follow:
                if isinstance(event, DeploymentLogEvent):
                    seen.append(event.content)
                    if event.content == "line 030":
                        fake.live.refuse = True  # every reconnect fails from now on
                        fake.drop_streams()
                elif isinstance(event, DeploymentStatusEvent) and event.status.is_finished:
                    final = event.status
        assert seen == _lines(fake, created.id)  # nothing lost, nothing twice
        assert final == "success"
        assert fake.live.attempts == 1 + 2  # the first stream, then max_reconnects attempts
        assert fake.requests_to("GET", f"/v1/apps/my-app/deployments/{created.id}/output")


async def test_a_network_blip_during_a_reconnects_token_exchange_is_retried() -> None:
    # Tokens with 4 minutes left are renewed before each use: every reconnect exchanges.
    log = [f"line {i:03d}" for i in range(100)]
    async with FakeScalingo(token_lifetime=240, pace=0.002, stream_ping_interval=0.05) as fake:
        async with fake.client(max_retries=0) as client:
            created = await _start(fake, client, log)
            seen, statuses = [], []
            async with client.deployments.stream("my-app") as stream:
                async for event in stream:
                    if isinstance(event, DeploymentLogEvent):
                        seen.append(event.content)
                        if event.content == "line 020":
                            fake.fail_next("POST", "/v1/tokens/exchange", drop=True)
                            fake.drop_streams()
                    elif isinstance(event, DeploymentStatusEvent):
                        statuses.append(event.status)
                        if event.status.is_finished:
                            break
        assert seen == _lines(fake, created.id)
        assert statuses[-1] == "success"
        assert stream.reconnects == 1
        assert fake.live.connections == 2
        assert len(fake.requests_to("POST", "/v1/tokens/exchange")) >= 4  # one failed


async def test_a_status_missed_while_disconnected_is_told_after_the_reconnect() -> None:
    # deployments.md: the stream replays "existing logs", not statuses.
    log = [f"line {i:03d}" for i in range(60)]
    async with FakeScalingo(pace=0.002, stream_ping_interval=0.05) as fake:
        async with fake.client() as client:
            created = await _start(fake, client, log, "crashed-error")
            seen, statuses = [], []
            async with client.deployments.stream("my-app", max_reconnects=50) as stream:
                async for event in stream:
                    if isinstance(event, DeploymentLogEvent):
                        seen.append(event.content)
                        if event.content == "line 010":
                            fake.live.refuse = True  # away until the deployment has ended
                            fake.drop_streams()
                            assert (
                                await fake.live.wait_until_finished(created.id) == "crashed-error"
                            )
                            fake.live.refuse = False
                    elif isinstance(event, DeploymentStatusEvent):
                        statuses.append(event.status)
                        if event.status.is_finished:
                            break
        assert statuses == ["queued", "building", "crashed-error"]
        assert seen == _lines(fake, created.id)  # the replay came before the missed status

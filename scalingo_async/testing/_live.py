"""The live side of FakeScalingo: deployments that run, and the websocket stream that shows them.

A created deployment moves through queued, building, pushing, starting and its final status,
writing log lines to its output and broadcasting `new`, `status` and `log` frames to every
stream of its app. A stream authenticates with its first frame, is replayed the logs written so
far (statuses are not replayed, as the API documents), then receives live frames and pings.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from typing import TYPE_CHECKING, Any

import attrs
import orjson
from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .fake import FakeScalingo

__all__ = ["BUILD_LOG", "DeploymentPlan", "LiveDeployments"]

BUILD_LOG = [
    "-----> Cloning the archive",
    "-----> Detected Python app",
    "-----> Installing python-3.12.7",
    "-----> Installing pip 24.2, setuptools 75.1 and wheel 0.44",
    "-----> Installing requirements with pip",
    "       Collecting aiohttp>=3.14",
    "       Collecting attrs>=24.1",
    "       Installing collected packages: attrs, aiohttp",
    "       Successfully installed aiohttp-3.14.5 attrs-26.1.0",
    "-----> Procfile declares types -> web",
    "-----> Build completed in 12.4s",
]

# Where each final status branches off the happy path (deployments.md, "status").
_PATHS = {
    "success": ["queued", "building", "pushing", "starting", "success"],
    "build-error": ["queued", "building", "build-error"],
    "aborted": ["queued", "building", "pushing", "aborted"],
    "crashed-error": ["queued", "building", "pushing", "starting", "crashed-error"],
    "timeout-error": ["queued", "building", "pushing", "starting", "timeout-error"],
    "hook-error": ["queued", "building", "pushing", "starting", "hook-error"],
}

_STEP_LINES = {
    "pushing": ["-----> Pushing image to the registry"],
    "starting": ["-----> Starting containers: web x1"],
    "success": ["-----> Deployment successful, app available"],
    "build-error": ["!      Build failed: pip exited with status 1"],
    "aborted": ["!      Deployment aborted: the connection to the builder was lost"],
    "crashed-error": ["!      The app crashed on boot: web-1 exited with status 1"],
    "timeout-error": ["!      The app did not start within 60 seconds"],
    "hook-error": ["!      The postdeploy hook exited with status 1"],
}


_RUNNING = ("queued", "building", "pushing", "starting")


@attrs.frozen
class DeploymentPlan:
    """How the next created deployment of an app runs: its final status and build log."""

    status: str = "success"
    log: tuple[str, ...] = tuple(BUILD_LOG)

    def steps(self) -> list[tuple[str, list[str]]]:
        path = _PATHS.get(self.status) or [*_PATHS["success"][:-1], self.status]
        return [
            (status, list(self.log) if status == "building" else _STEP_LINES.get(status, []))
            for status in path
        ]


class LiveDeployments:
    def __init__(self, fake: FakeScalingo) -> None:
        self._fake = fake
        self.plans: dict[str, collections.deque[DeploymentPlan]] = {}
        self._streams: dict[str, set[_Subscriber]] = {}
        self._watched = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self.attempts = 0  # stream connections asked for, refused ones included
        self.connections = 0  # stream connections authenticated, reconnects included
        self.refuse = False  # cut every new stream before it authenticates
        self._ended = asyncio.Event()

    # running deployments

    def next_plan(self, app: str) -> DeploymentPlan:
        queue = self.plans.get(app)
        return queue.popleft() if queue else DeploymentPlan()

    def start(self, app: str, deployment: dict[str, Any], plan: DeploymentPlan) -> None:
        self.broadcast(app, {"type": "new", "data": {"deployment": deployment["id"]}})
        task = asyncio.create_task(self._run(app, deployment, plan))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, app: str, deployment: dict[str, Any], plan: DeploymentPlan) -> None:
        fake = self._fake
        if fake.hold_until_watched:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(fake.hold_timeout), self._watched:
                    await self._watched.wait_for(lambda: bool(self._streams.get(app)))
        for status, lines in plan.steps():
            final = status not in _RUNNING
            if not final:  # a step is announced, then logs; the end is logged, then announced
                self._set_status(app, deployment, status)
            for line in lines:
                fake.outputs[deployment["id"]] += line + "\n"
                self.broadcast(app, {"type": "log", "id": deployment["id"],
                                     "data": {"content": line}})  # fmt: skip
                await asyncio.sleep(fake.pace)
            if final:
                self._set_status(app, deployment, status)
            await asyncio.sleep(fake.pace)
        deployment["finished_at"] = deployment["created_at"]
        deployment["duration"] = round(fake.pace * sum(len(ls) + 1 for _, ls in plan.steps()))

    def _set_status(self, app: str, deployment: dict[str, Any], status: str) -> None:
        deployment["status"] = status
        self.broadcast(app, {"type": "status", "id": deployment["id"], "data": {"status": status}})
        if status not in _RUNNING:
            self._ended.set()

    async def wait_until_finished(self, deployment_id: str, timeout: float = 5.0) -> str:
        """Wait until the deployment has a final status, and return it."""

        def status() -> str:
            found: str = next(d["status"] for ds in self._fake.deployments.values() for d in ds
                              if d["id"] == deployment_id)  # fmt: skip
            return found

        async with asyncio.timeout(timeout):
            while status() in _RUNNING:
                self._ended.clear()
                await self._ended.wait()
        return status()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for subscribers in self._streams.values():
            for subscriber in list(subscribers):
                subscriber.drop()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # the stream

    def broadcast(self, app: str, frame: dict[str, Any]) -> None:
        self.send_raw(app, orjson.dumps(frame).decode())

    def send_raw(self, app: str, text: str) -> None:
        """Send a frame as is to every stream of the app (to test odd frames)."""
        for subscriber in self._streams.get(app, ()):
            subscriber.queue.put_nowait(text)

    async def wait_for_streams(self, app: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until exactly `count` streams of the app are open (0: all closed)."""
        async with asyncio.timeout(timeout), self._watched:
            await self._watched.wait_for(lambda: len(self._streams.get(app, ())) == count)

    def drop(self, app: str | None = None) -> int:
        """Cut every stream (of one app, or all) without a close frame. Returns how many."""
        cut = [s for name, subs in self._streams.items() if app in (None, name) for s in subs]
        for subscriber in cut:
            subscriber.drop()
        return len(cut)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        app = request.match_info["app"]
        self.attempts += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if self.refuse:
            if request.transport is not None:
                request.transport.abort()
            return ws
        if not await self._authenticated(ws):
            # deployments.md: "On authentication error, the websocket will be ended immediately."
            await ws.close(code=4001, message=b"authentication failed")
            return ws
        self.connections += 1
        subscriber = _Subscriber(ws, request)
        # Subscribe and take the replay in one step, with no await between: no line is lost
        # or sent twice at the seam.
        self._streams.setdefault(app, set()).add(subscriber)
        replay = [
            orjson.dumps({"type": "log", "id": d["id"], "data": {"content": line}}).decode()
            for d in reversed(self._fake.deployments.get(app, []))
            for line in self._fake.outputs.get(d["id"], "").splitlines()
        ]
        async with self._watched:
            self._watched.notify_all()
        try:
            for frame in replay:
                await ws.send_str(frame)
            await self._pump(ws, subscriber)
        except (ConnectionError, RuntimeError):
            pass  # the client went away or was dropped
        finally:
            self._streams[app].discard(subscriber)
            async with self._watched:
                self._watched.notify_all()
        return ws

    async def _authenticated(self, ws: web.WebSocketResponse) -> bool:
        try:
            async with asyncio.timeout(5):
                message = await ws.receive()
        except TimeoutError:
            return False
        if message.type is not WSMsgType.TEXT:
            return False
        try:
            frame = orjson.loads(message.data)
            token = frame["data"]["token"] if frame.get("type") == "auth" else None
        except (orjson.JSONDecodeError, TypeError, KeyError, AttributeError):
            return False
        # The document asks for the API token; the official clients send the bearer token.
        return isinstance(token, str) and self._fake.token_is_valid(token)

    async def _pump(self, ws: web.WebSocketResponse, subscriber: _Subscriber) -> None:
        reader = asyncio.create_task(ws.receive())  # to notice the client closing
        try:
            while not ws.closed:
                getter = asyncio.create_task(subscriber.queue.get())
                done, _ = await asyncio.wait(
                    {getter, reader},
                    timeout=self._fake.stream_ping_interval,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if reader in done:
                    getter.cancel()
                    return
                if getter in done:
                    await ws.send_str(getter.result())
                else:
                    getter.cancel()
                    ping = {"type": "ping", "data": {"ts": int(asyncio.get_running_loop().time())}}
                    await ws.send_str(orjson.dumps(ping).decode())
        finally:
            reader.cancel()


class _Subscriber:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.request = request
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def drop(self) -> None:
        if self.request.transport is not None:
            self.request.transport.abort()

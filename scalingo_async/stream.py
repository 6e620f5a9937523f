"""The live deployment log: one websocket per app, typed events, reconnects that lose nothing.

The official CLI's reconnect broke when its websocket library changed, and the JS client has
none. Here a dropped connection is reopened with jittered backoff and authenticated again; the
server then replays the logs written so far, and the lines already yielded are skipped, so each
line comes out exactly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self

import orjson
import websockets
from websockets.asyncio.client import ClientConnection, connect

from . import _protocol
from ._log import logger
from .errors import APIConnectionError, DecodeError, StreamAuthenticationError, StreamError
from .models import (
    App,
    Deployment,
    DeploymentLogEvent,
    DeploymentNewEvent,
    DeploymentStatus,
    DeploymentStatusEvent,
    PingEvent,
    StreamEvent,
)

if TYPE_CHECKING:
    from ._transport import Transport
    from .resources.deployments import Deployments

__all__ = ["DeploymentStream", "follow"]

TokenKind = Literal["bearer", "api_token"]


class _NoFrameLogs(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets logs every frame at DEBUG, the auth frame and its token included: never."""

    def isEnabledFor(self, level: int) -> bool:
        return level > logging.DEBUG and self.logger.isEnabledFor(level)


_ws_logger = _NoFrameLogs(logging.getLogger("scalingo_async.websockets"), {})


class _Replay:
    """What has been yielded, to skip what a reconnect's replay sends again.

    Only counts and last values are kept per deployment, never lines: memory stays flat however
    long the stream runs.
    """

    def __init__(self) -> None:
        self._lines: dict[str, int] = {}  # lines yielded per deployment
        self._status: dict[str, DeploymentStatus] = {}
        self._announced: set[str] = set()
        self._received: dict[str, int] = {}  # lines received on the current connection

    def new_connection(self) -> None:
        self._received = {}

    def running(self) -> list[tuple[str, DeploymentStatus]]:
        """Deployments whose last status yielded was not final."""
        return [(d, s) for d, s in self._status.items() if not s.is_finished]

    def is_fresh(self, event: StreamEvent) -> bool:
        match event:
            case DeploymentLogEvent(deployment_id=dep_id):
                count = self._received[dep_id] = self._received.get(dep_id, 0) + 1
                if count <= self._lines.get(dep_id, 0):
                    return False
                self._lines[dep_id] = count
            case DeploymentStatusEvent(deployment_id=dep_id, status=status):
                if self._status.get(dep_id) == status:
                    return False
                self._status[dep_id] = status
            case DeploymentNewEvent(deployment_id=dep_id):
                if dep_id in self._announced:
                    return False
                self._announced.add(dep_id)
        return True


class DeploymentStream:
    """Every deployment event of one app, live. Use `async with` and `async for`.

    `token="api_token"` sends the API token in the auth frame, as the API document says; the
    default sends the bearer token, as the official clients do. A frame that is not JSON raises
    DecodeError unless `skip_malformed`. After a drop, up to `max_reconnects` attempts in a row
    are made before StreamError.
    """

    def __init__(
        self,
        transport: Transport,
        app: str,
        *,
        token: TokenKind = "bearer",
        skip_malformed: bool = False,
        max_reconnects: int = 5,
        open_timeout: float = 10.0,
    ) -> None:
        self._transport = transport
        self._app = _protocol.path_segment(app, "app")
        self._app_name = app
        self._token_kind = token
        self._skip_malformed = skip_malformed
        self.max_reconnects = max_reconnects
        self._open_timeout = open_timeout
        self._url: str | None = None
        self._ws: ClientConnection | None = None
        self._replay = _Replay()
        self._closed = False
        self._iterating = False
        self._check_missed = False
        self.reconnects = 0

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self._ws else "idle"
        return f"<DeploymentStream app={self._app_name!r} {state}>"

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        if self._iterating:
            raise RuntimeError("a DeploymentStream can be iterated by one consumer at a time")
        self._iterating = True
        return self._events()

    async def connect(self) -> None:
        """Open the websocket and send the auth frame, if not done yet."""
        if self._closed:
            raise StreamError("this stream is closed")
        if self._ws is None:
            self._ws = await self._open()

    async def aclose(self) -> None:
        """Close the websocket at once. Safe to call twice."""
        self._closed = True
        ws, self._ws = self._ws, None
        if ws is not None:
            # A polite close waits for the server's close frame, which cannot be read while
            # unread frames fill the receive queue (reading is paused then): up to
            # close_timeout, 10 s. Nobody listens any more, so end the connection now.
            ws.transport.close()
            await ws.wait_closed()

    async def _stream_url(self) -> str:
        if self._url is None:
            response = await self._transport.request("GET", f"/v1/apps/{self._app}")
            url = response.model("app", App).links.deployments_stream
            if not url:
                raise StreamError(f"the API gives no deployments_stream link for {self._app_name}")
            try:
                self._url = _protocol.check_stream_url(url)
            except ValueError as exc:
                raise StreamError(str(exc)) from None
        return self._url

    async def _auth_token(self) -> str:
        if self._token_kind == "api_token":
            token = self._transport.credentials.api_token
            if token is None:
                raise StreamError("token='api_token' needs a Client created with an API token")
            return token
        return await self._transport.credentials.bearer()

    async def _open(self) -> ClientConnection:
        try:
            url = await self._stream_url()
            token = await self._auth_token()
        except APIConnectionError as exc:
            # A blip on the way to the API (a token exchange before a reconnect, say) is one
            # more failed attempt for the reconnect loop, not the end of the stream.
            raise StreamError(f"could not reach the API to open the stream: {exc}") from exc
        try:
            ws = await connect(
                url,
                open_timeout=self._open_timeout,
                logger=_ws_logger,
                user_agent_header=self._transport.user_agent,
            )
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
            raise StreamError(f"could not open the deployment stream {url}: {exc}") from exc
        try:
            await ws.send(orjson.dumps({"type": "auth", "data": {"token": token}}).decode())
        except websockets.exceptions.ConnectionClosed as exc:
            await ws.close()
            raise StreamError(f"the deployment stream {url} closed at once: {exc}") from exc
        self._replay.new_connection()
        return ws

    def _decode(self, message: str | bytes) -> StreamEvent | None:
        try:
            return _protocol.parse_frame(message)
        except DecodeError:
            if self._skip_malformed:
                logger.info("skipping a malformed frame on the %s stream", self._app_name)
                return None
            raise

    async def _events(self) -> AsyncIterator[StreamEvent]:
        failures = 0  # reconnect attempts in a row without a frame
        try:
            while True:
                if self._ws is None:
                    try:
                        await self.connect()
                    except StreamError as exc:
                        if self.reconnects == 0 and failures == 0:
                            raise  # never opened: say so rather than retry blindly
                        failures += 1
                        if failures > self.max_reconnects:
                            raise self._lost(failures, exc) from exc
                        await self._backoff(failures)
                        continue
                ws = self._ws
                assert ws is not None
                got_frame = False
                try:
                    while True:
                        message = await ws.recv()
                        got_frame = True
                        failures = 0
                        event = self._decode(message)
                        if self._check_missed and isinstance(event, PingEvent):
                            # Statuses are not replayed: ask REST for those missed while we
                            # were away. By the first ping, the replay of logs is over.
                            self._check_missed = False
                            for missed in await self._missed_statuses():
                                if self._replay.is_fresh(missed):
                                    yield missed
                        if event is not None and self._replay.is_fresh(event):
                            yield event
                except websockets.exceptions.ConnectionClosed as closed:
                    if self._closed:
                        return
                    if not got_frame and closed.rcvd is not None:
                        # deployments.md: "On authentication error, the websocket will be
                        # ended immediately."
                        raise StreamAuthenticationError(
                            f"the deployment stream of {self._app_name} refused the token"
                            f" (close code {closed.rcvd.code}: {closed.rcvd.reason or 'no reason'})"
                        ) from None
                    self._ws = None
                    self.reconnects += 1
                    self._check_missed = True
                    failures += 1
                    if failures > self.max_reconnects:
                        raise self._lost(failures, closed) from None
                    logger.info("deployment stream of %s lost (%s); reconnecting",
                                self._app_name, closed)  # fmt: skip
                    await self._backoff(failures)
        finally:
            self._iterating = False
            await self.aclose()

    async def _missed_statuses(self) -> list[DeploymentStatusEvent]:
        missed = []
        for dep_id, status in self._replay.running():
            path = f"/v1/apps/{self._app}/deployments/{_protocol.path_segment(dep_id, 'id')}"
            response = await self._transport.request("GET", path)
            current = response.model("deployment", Deployment).status
            if current is not None and current != status:
                missed.append(DeploymentStatusEvent(dep_id, current))
        return missed

    def _lost(self, failures: int, last: Exception) -> StreamError:
        return StreamError(
            f"the deployment stream of {self._app_name} was lost {failures} times in a row"
            f" (max_reconnects={self.max_reconnects}); last: {last}"
        )

    async def _backoff(self, failures: int) -> None:
        # websockets' own reconnect loop retries at once after a drop; back off and jitter.
        await asyncio.sleep(_protocol.backoff_delay(failures - 1, base=0.25, cap=10.0))


async def follow(
    deployments: Deployments,
    app: str,
    deployment_id: str,
    *,
    token: TokenKind = "bearer",
    check_interval: float = 30.0,
    poll_interval: float = 3.0,
    max_reconnects: int = 5,
) -> AsyncIterator[StreamEvent]:
    """The log and status events of one deployment, ending after its final status.

    It needs no `new` frame (one can be missed): it filters the app's stream on the id. A
    deployment already finished is told from REST: its output, then its status. If the stream
    cannot be opened, it polls REST instead. While streaming, a ping at most every
    `check_interval` seconds asks REST whether the deployment ended, in case the stream missed
    its final status (statuses are not replayed after a reconnect). A stream lost for good
    (past `max_reconnects`) hands over to polling, skipping what was already yielded.
    """
    deployment = await deployments.get(app, deployment_id)
    if deployment.is_finished:
        async for event in _from_output(deployments, app, deployment_id, set_status=None):
            yield event
        return
    stream = deployments.stream(app, token=token, max_reconnects=max_reconnects)
    try:
        await stream.connect()
    except StreamAuthenticationError:
        raise
    except StreamError as exc:
        logger.info("%s; following deployment %s by polling", exc, deployment_id)
        async for event in _poll(deployments, app, deployment_id, poll_interval):
            yield event
        return
    loop = asyncio.get_running_loop()
    last_check = loop.time()
    lines, status = 0, None
    async with stream:
        try:
            async for event in stream:
                match event:
                    case DeploymentLogEvent(deployment_id=dep_id) if dep_id == deployment_id:
                        lines += 1
                        yield event
                    case DeploymentStatusEvent(deployment_id=dep_id) if dep_id == deployment_id:
                        status = event.status
                        yield event
                        if event.status.is_finished:
                            return
                    case PingEvent() if loop.time() - last_check >= check_interval:
                        last_check = loop.time()
                        current = await deployments.get(app, deployment_id)
                        if current.is_finished and current.status is not None:
                            yield DeploymentStatusEvent(deployment_id, current.status)
                            return
        except StreamAuthenticationError:
            raise
        except StreamError as exc:
            # The build goes on without us: a CI job wants its end, not a lost stream.
            logger.info("%s; following deployment %s by polling", exc, deployment_id)
    async for event in _poll(deployments, app, deployment_id, poll_interval, lines, status):
        yield event


async def _from_output(
    deployments: Deployments,
    app: str,
    deployment_id: str,
    *,
    set_status: DeploymentStatus | None,
    skip: int = 0,
) -> AsyncIterator[StreamEvent]:
    output = await deployments.output(app, deployment_id)
    for line in output.splitlines()[skip:]:
        yield DeploymentLogEvent(deployment_id, line)
    status = set_status or (await deployments.get(app, deployment_id)).status
    if status is not None:
        yield DeploymentStatusEvent(deployment_id, status)


async def _poll(
    deployments: Deployments,
    app: str,
    deployment_id: str,
    interval: float,
    sent: int = 0,
    status: DeploymentStatus | None = None,
) -> AsyncIterator[StreamEvent]:
    """Follow by REST alone: new output lines and status changes, every `interval` seconds.

    `sent` lines and the `status` already told (by the stream, before it was lost) are skipped.
    """
    while True:
        current = await deployments.get(app, deployment_id)
        lines = (await deployments.output(app, deployment_id)).splitlines()
        for line in lines[sent:]:
            yield DeploymentLogEvent(deployment_id, line)
        sent = max(sent, len(lines))
        if current.status is not None and current.status != status:
            status = current.status
            yield DeploymentStatusEvent(deployment_id, status)
        if current.is_finished:
            return
        await asyncio.sleep(interval)

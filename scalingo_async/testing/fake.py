"""FakeScalingo: an in-memory Scalingo API on loopback, for tests and demos.

It runs two aiohttp servers, the auth service and the API, as the real platform does, so a
client that sends a call to the wrong host fails here too. It checks tokens, paginates, and
answers errors in the documented shapes. Tests seed it, inject faults, and read its request log.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import fnmatch
import io
import itertools
import secrets
import tarfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, Self

import attrs
import orjson
from aiohttp import web

from ..client import Client
from . import _data
from ._live import BUILD_LOG, DeploymentPlan, LiveDeployments

__all__ = ["DeploymentPlan", "FakeScalingo", "Fault", "RecordedRequest"]

MAX_ARCHIVE_BYTES = 314_572_800  # API-NOTES.md: "at most 314,572,800 bytes"

PaginationStyle = Literal["nested", "flat", "none"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.frozen
class RecordedRequest:
    """One request as the fake received it. `service` is "auth" or "api"; `received_at` is
    the event loop's clock."""

    service: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    received_at: float = 0.0


@attrs.frozen
class Fault:
    """What to do instead of (or before) the real answer to one request.

    - `status` (with `body` and `headers`): answer this instead. `body` is sent as is when
      bytes or text, as JSON otherwise. With no status, the real answer is given.
    - `delay`: wait this long first (a slow answer).
    - `drop`: close the connection without answering.
    - `truncate`: announce the whole body but send half of it, then close. With `delay`, the
      pause comes after the first half (a stalled body).
    """

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = attrs.Factory(dict)
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes | str):
            raw = self.body.encode() if isinstance(self.body, str) else self.body
            return raw, "text/plain"
        if self.body is None:
            return b"", "text/plain"
        return orjson.dumps(self.body), "application/json"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, content_type="application/json", headers=headers
    )


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return _json({"error": message, **extra}, status)


def _not_found(resource: str) -> web.Response:
    return _json({"resource": resource, "error": "not found"}, 404)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FakeScalingo:
    """The Scalingo API in memory. Start it with `async with FakeScalingo() as fake:`."""

    def __init__(
        self,
        *,
        api_token: str | None = None,
        token_lifetime: float = 3600.0,
        pagination: PaginationStyle = "nested",
        events_pagination: PaginationStyle = "flat",
        default_per_page: int = 20,
        max_per_page: int = 100,
        latency: float = 0.0,
        pace: float = 0.0,
        stream_ping_interval: float = 1.0,
        hold_until_watched: bool = True,
        hold_timeout: float = 2.0,
    ) -> None:
        self.api_token = api_token or f"tk-us-{secrets.token_urlsafe(24)}"
        self.token_lifetime = token_lifetime
        self.pagination = pagination
        self.events_pagination = events_pagination
        self.default_per_page = default_per_page
        self.max_per_page = max_per_page
        self.latency = latency  # seconds every answer takes, as a real server's would
        self.pace = pace  # seconds between a running deployment's log lines and steps
        self.stream_ping_interval = stream_ping_interval
        # A created deployment waits (up to hold_timeout) for a stream of its app to watch it,
        # so that a follower sees it from its first line whatever the scheduling.
        self.hold_until_watched = hold_until_watched
        self.hold_timeout = hold_timeout
        self.live = LiveDeployments(self)
        self.archives: dict[str, bytes] = {}  # uploaded sources, by id
        self.event_types: list[dict[str, Any]] = [dict(t) for t in _data.EVENT_TYPES]
        self.event_categories: list[dict[str, Any]] = [dict(c) for c in _data.EVENT_CATEGORIES]
        self.apps: dict[str, dict[str, Any]] = {}
        self.deployments: dict[str, list[dict[str, Any]]] = {}  # per app, newest first
        self.outputs: dict[str, str] = {}  # per deployment id
        self.operations: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []  # newest first
        self.cache_resets: collections.Counter[str] = collections.Counter()
        self.containers: dict[str, list[dict[str, Any]]] = {}  # per app, its formation
        self._op_plans: dict[str, collections.deque[tuple[str, str]]] = {}
        self.requests: list[RecordedRequest] = []
        self.exchanges = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._arrived = asyncio.Condition()
        self._stopping = asyncio.Event()
        self._op_steps: dict[str, collections.deque[str]] = {}
        self._bearers: dict[str, float] = {}
        self._faults: dict[tuple[str, str], collections.deque[Fault]] = {}
        self._ids = itertools.count(1)
        self._runners: list[web.AppRunner] = []
        self.api_url = ""
        self.auth_url = ""
        self.stream_url = ""

    # lifecycle

    async def start(self) -> None:
        self.auth_url = await self._serve(self._auth_app())
        self.api_url = await self._serve(self._api_app())
        stream_app = web.Application()
        stream_app.router.add_get("/apps/{app}", self.live.handle)
        self.stream_url = "ws" + (await self._serve(stream_app)).removeprefix("http")

    async def stop(self) -> None:
        self._stopping.set()  # ends every injected pause at once
        await self.live.stop()
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve(self, app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def client(self, **kwargs: Any) -> Client:
        """A Client pointed at this fake with its valid API token; kwargs override."""
        settings: dict[str, Any] = {
            "token": self.api_token,
            "api_url": self.api_url,
            "auth_url": self.auth_url,
        }
        settings.update(kwargs)
        return Client(**settings)

    # seeding

    def add_app(self, name: str, **fields: Any) -> dict[str, Any]:
        app_id = fields.pop("id", None) or uuid.uuid4().hex[:24]
        app: dict[str, Any] = {
            "id": app_id,
            "name": name,
            "created_at": _now(),
            "updated_at": _now(),
            "region": "osc-fr1",
            "status": "running",
            "url": f"https://{name}.osc-fr1.scalingo.io",
            "git_url": f"git@ssh.osc-fr1.scalingo.com:{name}.git",
            "owner": dict(_data.PUSHER),
            "last_deployed_at": None,
            "last_deployment_id": None,
            **fields,
        }
        self.apps[name] = app
        self.deployments.setdefault(name, [])
        return app

    def _app(self, name: str) -> dict[str, Any]:
        return self.apps.get(name) or self.add_app(name)

    def add_deployment(
        self, app: str, *, status: str = "success", output: str = "", **fields: Any
    ) -> dict[str, Any]:
        """Add a deployment (creating the app if needed) as the newest of the app."""
        owner = self._app(app)
        dep_id = fields.pop("id", None) or str(uuid.uuid4())
        deployment: dict[str, Any] = {
            "id": dep_id,
            "app_id": owner["id"],
            "created_at": _now(),
            "finished_at": None if status in ("queued", "building", "pushing", "starting")
            else _now(),
            "status": status,
            "git_ref": secrets.token_hex(20),
            "image_size": 104857600,
            "stack_base_image": "scalingo/scalingo-22",
            "pusher": dict(_data.PUSHER),
            "links": {"output": f"{self.api_url}/v1/apps/{app}/deployments/{dep_id}/output"},
            **fields,
        }  # fmt: skip
        self.deployments[app].insert(0, deployment)
        self.outputs[dep_id] = output
        owner["last_deployment_id"] = dep_id
        owner["last_deployed_at"] = deployment["created_at"]
        return deployment

    def add_operation(
        self,
        app: str,
        *,
        type: str = "restart",
        statuses: Iterable[str] = ("pending", "running", "done"),
        error: str = "container web-1 failed to restart",
        id: str | None = None,
    ) -> dict[str, Any]:
        """Add an operation that moves to the next of `statuses` each time it is read."""
        self._app(app)
        steps = collections.deque(statuses)
        op_id = id or uuid.uuid4().hex[:24]
        operation = {"id": op_id, "app": app, "created_at": _now(), "finished_at": None,
                     "status": steps.popleft(), "type": type, "_error": error}  # fmt: skip
        self.operations[op_id] = operation
        self._op_steps[op_id] = steps
        return operation

    def plan_deployment(
        self, app: str, status: str = "success", log: Iterable[str] | None = None
    ) -> DeploymentPlan:
        """Decide how the next deployment created for `app` runs: its final status and log."""
        plan = DeploymentPlan(status, tuple(BUILD_LOG if log is None else log))
        self.live.plans.setdefault(app, collections.deque()).append(plan)
        return plan

    def drop_streams(self, app: str | None = None) -> int:
        """Cut the live streams of `app` (or all) without a close frame; returns how many."""
        return self.live.drop(app)

    def stream_link(self, app: str) -> str:
        return f"{self.stream_url}/apps/{app}"

    def plan_operation(
        self, app: str, status: str = "done", error: str = "container web-1 failed to start"
    ) -> None:
        """Decide how the next restart or scale of `app` ends: `done`, or `error` with a text."""
        self._op_plans.setdefault(app, collections.deque()).append((status, error))

    def operation_url(self, app: str, op_id: str) -> str:
        return f"{self.api_url}/v1/apps/{app}/operations/{op_id}"

    def add_event(
        self, app: str | None, type: str, type_data: dict[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        owner = self._app(app) if app else None
        event: dict[str, Any] = {
            "id": uuid.uuid4().hex[:24],
            "created_at": _now(),
            "user": {k: _data.PUSHER[k] for k in ("id", "username", "email")},
            "app_id": owner["id"] if owner else None,
            "app_name": app,
            "type": type,
            "type_data": type_data or {},
            **fields,
        }
        self.events.insert(0, event)
        return event

    # faults and tokens

    def fail_next(
        self,
        method: str,
        path: str,
        status: int | None = None,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
        truncate: bool = False,
    ) -> None:
        """Apply a `Fault` to the next `times` requests to `method path`.

        `path` may be a glob (`/v1/apps/*/deployments`). See `Fault` for the other arguments.
        """
        fault = Fault(status, body, headers or {}, delay, drop, truncate)
        queue = self._faults.setdefault((method.upper(), path), collections.deque())
        queue.extend([fault] * times)

    def clear_faults(self) -> None:
        self._faults.clear()

    def _next_fault(self, method: str, path: str) -> Fault | None:
        queue = self._faults.get((method, path))
        if not queue:
            queue = next(
                (q for (m, pattern), q in self._faults.items()
                 if q and m == method and fnmatch.fnmatchcase(path, pattern)),
                None,
            )  # fmt: skip
        return queue.popleft() if queue else None

    async def wait_for_requests(
        self, method: str, path: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until `count` requests to `method path` have arrived, and return them."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests_to(method, path)) >= count)
        return self.requests_to(method, path)

    async def _pause(self, seconds: float) -> None:
        # A pause that ends when the fake stops, so that shutdown never waits on it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _apply(self, fault: Fault, request: web.Request) -> web.StreamResponse | None:
        """Play a fault; None means go on to the real answer."""
        if fault.delay and not fault.truncate:
            await self._pause(fault.delay)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response()
        if fault.status is None:
            return None
        raw, content_type = fault.encoded()
        headers = {"Content-Type": content_type, **fault.headers}
        if not fault.truncate:
            return web.Response(status=fault.status, body=raw, headers=headers)
        response = web.StreamResponse(status=fault.status, headers=headers)
        response.content_length = len(raw)
        await response.prepare(request)
        await response.write(raw[: len(raw) // 2])
        if fault.delay:
            await self._pause(fault.delay)
        if request.transport is not None:
            request.transport.abort()
        return response

    def revoke_tokens(self) -> None:
        """Forget every bearer token issued, as if they all expired."""
        self._bearers.clear()

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The requests received for `method path`; `path` may be a glob, as in `fail_next`."""
        return [r for r in self.requests
                if r.method == method and fnmatch.fnmatchcase(r.path, path)]  # fmt: skip

    # the servers

    def _middleware(self, service: str) -> Any:
        @web.middleware
        async def record_and_inject(request: web.Request, handler: Handler) -> web.StreamResponse:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                return await self._handle(service, request, handler)
            finally:
                self.in_flight -= 1

        return record_and_inject

    async def _handle(
        self, service: str, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        body = await request.read()
        recorded = RecordedRequest(
            service, request.method, request.path, dict(request.query), dict(request.headers),
            body, asyncio.get_running_loop().time(),
        )  # fmt: skip
        async with self._arrived:
            self.requests.append(recorded)
            self._arrived.notify_all()
        if self.latency:
            await self._pause(self.latency)
        fault = self._next_fault(request.method, request.path)
        if fault is not None:
            answer = await self._apply(fault, request)
            if answer is not None:
                return answer
        # Presigned source URLs carry no token, as on the real storage.
        public = request.path in ("/v1/tokens/exchange",) or request.path.startswith(
            ("/sources/", "/downloads/")
        )
        if not public:
            denied = self._check_bearer(request)
            if denied is not None:
                return denied
        return await handler(request)

    def token_is_valid(self, token: str) -> bool:
        """A live bearer token, or the API token itself."""
        if token == self.api_token:
            return True
        expires = self._bearers.get(token)
        return expires is not None and expires >= time.time()

    def _check_bearer(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token:
            return _error(401, "no bearer token given")
        if token == self.api_token or not self.token_is_valid(token):
            return _error(401, "invalid or expired token")
        return None

    def _auth_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware("auth")])
        app.router.add_post("/v1/tokens/exchange", self._exchange)
        app.router.add_get("/v1/regions", self._regions)
        return app

    def _issue_bearer(self) -> str:
        now = int(time.time())
        exp = now + self.token_lifetime
        header = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
        claims = _b64(orjson.dumps({"iat": now, "exp": exp, "jti": next(self._ids)}))
        token = f"{header}.{claims}.{_b64(secrets.token_bytes(32))}"
        self._bearers[token] = exp
        return token

    async def _exchange(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            password = base64.b64decode(encoded).decode().partition(":")[2]
        except ValueError:
            password = ""
        if scheme != "Basic" or password != self.api_token:
            return _error(401, "invalid API token")
        self.exchanges += 1
        return _json({"token": self._issue_bearer()})

    async def _regions(self, request: web.Request) -> web.Response:
        regions = [
            {"name": name, "display_name": display, "api": self.api_url,
             "dashboard": "https://dashboard.scalingo.com", "database_api": self.api_url,
             "ssh": "ssh.osc-fr1.scalingo.com:22", "default": name == "osc-fr1"}
            for name, display in (("osc-fr1", "Paris - Outscale"),
                                  ("osc-secnum-fr1", "Paris - SecNumCloud - Outscale"))
        ]  # fmt: skip
        return _json({"regions": regions})

    def _api_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware("api")])
        r = app.router
        r.add_get("/v1/event_types", self._event_types)
        r.add_get("/v1/event_categories", self._event_categories)
        r.add_get("/v1/apps", self._list_apps)
        r.add_get("/v1/apps/{app}", self._get_app)
        r.add_get("/v1/apps/{app}/deployments", self._list_deployments)
        r.add_post("/v1/apps/{app}/deployments", self._create_deployment)
        r.add_get("/v1/apps/{app}/deployments/{id}", self._get_deployment)
        r.add_get("/v1/apps/{app}/deployments/{id}/output", self._deployment_output)
        r.add_delete("/v1/apps/{app}/caches/deployment", self._reset_cache)
        r.add_get("/v1/apps/{app}/operations/{id}", self._get_operation)
        r.add_get("/v1/apps/{app}/events", self._app_events)
        r.add_get("/v1/events", self._user_events)
        r.add_post("/v1/apps/{app}/restart", self._restart)
        r.add_post("/v1/apps/{app}/scale", self._scale)
        r.add_post("/v1/sources", self._create_source)
        r.add_put("/sources/{id}", self._upload_source)
        r.add_get("/downloads/{id}", self._download_source)
        return app

    def _paginated(
        self, request: web.Request, key: str, items: list[Any], style: PaginationStyle
    ) -> web.Response:
        try:
            page = int(request.query.get("page", "1"))
            per_page = int(request.query.get("per_page", str(self.default_per_page)))
        except ValueError:
            return _error(400, "page and per_page must be integers")
        if page < 1 or per_page < 1:
            return _error(400, "page and per_page must be positive")
        per_page = min(per_page, self.max_per_page)
        total_pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        meta = {
            "current_page": page,
            "prev_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < total_pages else None,
            "total_pages": total_pages,
            "total_count": len(items),
        }
        body: dict[str, Any] = {key: chunk}
        if style == "nested":
            body["meta"] = {"pagination": meta}
        elif style == "flat":
            body["meta"] = meta
        return _json(body)

    async def _event_types(self, request: web.Request) -> web.Response:
        return _json({"event_types": self.event_types})

    async def _event_categories(self, request: web.Request) -> web.Response:
        return _json({"event_categories": self.event_categories})

    def _shown_app(self, app: dict[str, Any]) -> dict[str, Any]:
        return {"links": {"deployments_stream": self.stream_link(app["name"])}, **app}

    async def _list_apps(self, request: web.Request) -> web.Response:
        return _json({"apps": [self._shown_app(a) for a in self.apps.values()]})

    async def _get_app(self, request: web.Request) -> web.Response:
        app = self.apps.get(request.match_info["app"])
        return _json({"app": self._shown_app(app)}) if app else _not_found("app")

    async def _list_deployments(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        return self._paginated(request, "deployments", self.deployments[name], self.pagination)

    def _find_deployment(self, request: web.Request) -> dict[str, Any] | web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        for deployment in self.deployments[name]:
            if deployment["id"] == request.match_info["id"]:
                return deployment
        return _not_found("deployment")

    async def _get_deployment(self, request: web.Request) -> web.Response:
        found = self._find_deployment(request)
        return found if isinstance(found, web.Response) else _json({"deployment": found})

    async def _deployment_output(self, request: web.Request) -> web.Response:
        found = self._find_deployment(request)
        if isinstance(found, web.Response):
            return found
        return web.Response(text=self.outputs.get(found["id"], ""), content_type="text/plain")

    async def _create_deployment(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        raw = await request.read()
        try:
            payload = orjson.loads(raw)
        except orjson.JSONDecodeError:
            snippet = raw[:40].decode("utf-8", "replace")
            return _error(400, f"There was a problem in the JSON you submitted: {snippet!r}")
        spec = payload.get("deployment") if isinstance(payload, dict) else None
        if not isinstance(spec, dict):
            return _json({"errors": {"deployment": ["missing field"]}}, 422)
        if not spec.get("source_url"):
            return _json({"errors": {"source_url": ["can't be blank"]}}, 422)
        plan = self.live.next_plan(name)
        problem = self._archive_problem(spec["source_url"])
        if problem:
            plan = DeploymentPlan("build-error", (f"!      {problem}",))
        previous = self.deployments[name][0]["git_ref"] if self.deployments[name] else None
        deployment = self.add_deployment(
            name,
            status="queued",
            git_ref=spec.get("git_ref") or "master",
            previous_git_ref=previous,
            type="archive",
            duration=0,
        )
        self.live.start(name, deployment, plan)
        return _json({"deployment": deployment}, 201)

    def _archive_problem(self, source_url: str) -> str | None:
        """What is wrong with an uploaded archive, for sources this fake holds."""
        prefix = f"{self.api_url}/downloads/"
        if not source_url.startswith(prefix):
            return None
        archive = self.archives.get(source_url.removeprefix(prefix))
        if archive is None:
            return "the source URL has expired or was never uploaded"
        try:
            with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
                tops = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        except (tarfile.TarError, OSError, EOFError):
            return "the archive is not a .tar.gz file"
        if len(tops) != 1:
            return f"the archive must hold a single top folder, found {len(tops)} entries"
        return None

    async def _create_source(self, request: web.Request) -> web.Response:
        source_id = uuid.uuid4().hex
        return _json({"source": {"upload_url": f"{self.api_url}/sources/{source_id}",
                                 "download_url": f"{self.api_url}/downloads/{source_id}"}},
                     201)  # fmt: skip

    async def _upload_source(self, request: web.Request) -> web.Response:
        if request.content_length is None:
            # Presigned object-storage URLs refuse a chunked upload: the size must be known.
            return _error(411, "a Content-Length is required")
        if request.content_type != "application/x-gzip":
            return _error(
                400, f"expected Content-Type application/x-gzip, got {request.content_type}"
            )
        body = await request.read()
        if len(body) > MAX_ARCHIVE_BYTES:
            return _error(413, "the archive is over 314,572,800 bytes")
        self.archives[request.match_info["id"]] = body
        return web.Response(status=200)

    async def _download_source(self, request: web.Request) -> web.Response:
        archive = self.archives.get(request.match_info["id"])
        if archive is None:
            return _error(404, "not found")
        return web.Response(body=archive, content_type="application/x-gzip")

    def _start_operation(self, app: str, type: str, body: dict[str, Any]) -> web.Response:
        plans = self._op_plans.get(app)
        status, error = plans.popleft() if plans else ("done", "")
        operation = self.add_operation(app, type=type, error=error,
                                       statuses=("pending", "running", status))  # fmt: skip
        location = self.operation_url(app, operation["id"])
        return _json(body, 202, headers={"Location": location})

    async def _read_json(self, request: web.Request) -> Any:
        raw = await request.read()
        try:
            return orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            return None

    async def _restart(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        payload = await self._read_json(request)
        if not isinstance(payload, dict):
            return _error(400, "There was a problem in the JSON you submitted")
        known = {c["name"] for c in self._formation(name)}
        unknown = [t for t in payload.get("scope") or [] if t not in known]
        if unknown:
            return _json({"errors": {"scope": [f"unknown process type {t}" for t in unknown]}},
                         422)  # fmt: skip
        return self._start_operation(name, "restart", {})

    def _formation(self, app: str) -> list[dict[str, Any]]:
        return self.containers.setdefault(
            app, [{"id": uuid.uuid4().hex[:24], "name": "web", "amount": 1, "size": "M"}]
        )

    async def _scale(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        payload = await self._read_json(request)
        wanted = payload.get("containers") if isinstance(payload, dict) else None
        if not isinstance(wanted, list) or not wanted:
            return _json({"errors": {"containers": ["can't be blank"]}}, 422)
        formation = {c["name"]: c for c in self._formation(name)}
        for item in wanted:
            amount = item.get("amount") if isinstance(item, dict) else None
            if not isinstance(amount, int) or amount < 0 or not item.get("name"):
                return _json({"errors": {"containers": ["need a name and an amount >= 0"]}}, 422)
            new = {"id": uuid.uuid4().hex[:24], "name": item["name"], "size": "M"}
            current = formation.setdefault(item["name"], new)
            current["amount"] = amount
            if item.get("size"):
                current["size"] = item["size"]
        self.containers[name] = list(formation.values())
        return self._start_operation(name, "scale", {"containers": self.containers[name]})

    async def _reset_cache(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        self.cache_resets[name] += 1
        return web.Response(status=204)

    async def _get_operation(self, request: web.Request) -> web.Response:
        operation = self.operations.get(request.match_info["id"])
        if operation is None or operation["app"] != request.match_info["app"]:
            return _not_found("operation")
        shown = {k: v for k, v in operation.items() if not k.startswith("_") and k != "app"}
        if operation["status"] == "error":
            shown["error"] = operation["_error"]
        steps = self._op_steps[operation["id"]]
        if steps:
            operation["status"] = steps.popleft()
            if operation["status"] in ("done", "error"):
                operation["finished_at"] = _now()
        return _json({"operation": shown})

    async def _app_events(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        if name not in self.apps:
            return _not_found("app")
        events = [e for e in self.events if e["app_name"] == name]
        return self._paginated(request, "events", events, self.events_pagination)

    async def _user_events(self, request: web.Request) -> web.Response:
        return self._paginated(request, "events", self.events, self.events_pagination)

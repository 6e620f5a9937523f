"""The benchmarks' server, run in a process of its own so that only the client is measured.

Answers are built once and sent as bytes: the server must never be the bottleneck.
  POST /v1/tokens/exchange            a bearer token valid for a day
  GET  /v1/event_types                the two event types of the API document
  GET  /v1/apps/{app}                 an app whose deployments_stream link points here
  GET  /v1/apps/{app}/deployments     pages of `per_page` deployments; an app named
                                      "pages-N" has N pages, any other app one page
  WS   /stream/{app}                  after the auth frame, an app named "log-N" gets N log
                                      frames as fast as possible; any other app stays idle
"""

from __future__ import annotations

import asyncio
import base64
import multiprocessing
import time
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from scalingo_async.testing import _data

# The two event types of the API document's list example.
EVENT_TYPES = orjson.dumps({"event_types": _data.EVENT_TYPES[:2]})


def deployment(i: int) -> dict[str, Any]:
    """A deployment shaped as the API document's "create" answer."""
    return {
        "id": f"5e34a76a-24b7-4d50-be96-{i:012d}",
        "created_at": "2016-12-16T16:33:58.250+01:00",
        "app_id": "529ba36e65d972e883203922",
        "finished_at": "2016-12-16T16:35:12.012+01:00",
        "status": "success",
        "git_ref": "v0.0.2",
        "previous_git_ref": "v0.0.1",
        "type": "archive",
        "duration": 74,
        "image_size": 104857600,
        "stack_base_image": "scalingo/scalingo-22",
        "pusher": {"username": "user", "email": "user@example.com", "id": "51161e5ef1e42617000001"},
        "links": {"output": f"https://api.osc-fr1.scalingo.com/v1/apps/x/deployments/{i}/output"},
    }


def deployments_body(count: int) -> bytes:
    return orjson.dumps({"deployments": [deployment(i) for i in range(count)]})


def _token() -> str:
    claims = base64.urlsafe_b64encode(orjson.dumps({"exp": int(time.time()) + 86400}))
    return f"e30.{claims.rstrip(b'=').decode()}.sig"


class Server:
    def __init__(self) -> None:
        self.port = 0
        self._pages: dict[int, list[bytes]] = {}

    def page(self, per_page: int, number: int, pages: int) -> bytes:
        if per_page not in self._pages:
            items = orjson.dumps([deployment(i) for i in range(per_page)])
            self._pages[per_page] = [items]
        meta = {"current_page": number, "prev_page": number - 1 if number > 1 else None,
                "next_page": number + 1 if number < pages else None, "total_pages": pages,
                "total_count": pages * per_page}  # fmt: skip
        return (
            b'{"deployments":'
            + self._pages[per_page][0]
            + b',"meta":{"pagination":'
            + (orjson.dumps(meta) + b"}}")
        )

    async def exchange(self, request: web.Request) -> web.Response:
        return web.json_response({"token": _token()})

    async def event_types(self, request: web.Request) -> web.Response:
        return web.Response(body=EVENT_TYPES, content_type="application/json")

    async def app(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        link = f"ws://127.0.0.1:{self.port}/stream/{name}"
        body = {"app": {"id": name, "name": name, "links": {"deployments_stream": link}}}
        return web.Response(body=orjson.dumps(body), content_type="application/json")

    async def deployments(self, request: web.Request) -> web.Response:
        name = request.match_info["app"]
        pages = int(name.removeprefix("pages-")) if name.startswith("pages-") else 1
        body = self.page(int(request.query.get("per_page", "20")),
                         int(request.query.get("page", "1")), pages)  # fmt: skip
        return web.Response(body=body, content_type="application/json")

    async def source(self, request: web.Request) -> web.Response:
        base = f"http://127.0.0.1:{self.port}"
        body = {"source": {"upload_url": f"{base}/uploads/1", "download_url": f"{base}/d/1"}}
        return web.json_response(body, status=201)

    async def upload(self, request: web.Request) -> web.Response:
        received = 0
        async for chunk in request.content.iter_any():  # counted, not kept
            received += len(chunk)
        return web.Response(status=200 if received == request.content_length else 400)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        auth = await ws.receive()
        if auth.type is not WSMsgType.TEXT:
            return ws
        name = request.match_info["app"]
        if name.startswith("log-"):
            frame = orjson.dumps({"type": "log", "id": "5e34a76a-24b7-4d50-be96-000000000001",
                                  "data": {"content": "-----> Installing dependencies with"
                                           " pip, collecting aiohttp>=3.14"}}).decode()  # fmt: skip
            for _ in range(int(name.removeprefix("log-"))):
                await ws.send_str(frame)
        async for _ in ws:  # idle until the client goes
            pass
        return ws


async def _serve(ready: Any, stop: Any) -> None:
    server = Server()
    app = web.Application()
    app.router.add_post("/v1/tokens/exchange", server.exchange)
    app.router.add_get("/v1/event_types", server.event_types)
    app.router.add_get("/v1/apps/{app}", server.app)
    app.router.add_get("/v1/apps/{app}/deployments", server.deployments)
    app.router.add_get("/stream/{app}", server.stream)
    app.router.add_post("/v1/sources", server.source)
    app.router.add_put("/uploads/{id}", server.upload)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)
    await site.start()
    server.port = runner.addresses[0][1]
    ready.put(server.port)
    await asyncio.get_running_loop().run_in_executor(None, stop.wait)
    await runner.cleanup()


def _main(ready: Any, stop: Any) -> None:
    asyncio.run(_serve(ready, stop))


class ServerProcess:
    """`with ServerProcess() as url:` a benchmark server in another process."""

    def __enter__(self) -> str:
        ctx = multiprocessing.get_context("spawn")
        ready, self._stop = ctx.Queue(), ctx.Event()
        self._process = ctx.Process(target=_main, args=(ready, self._stop), daemon=True)
        self._process.start()
        return f"http://127.0.0.1:{ready.get(timeout=30)}"

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()

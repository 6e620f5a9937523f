"""1,000 deployment streams open at once in one process, vs raw websockets connections.

Memory is what Python allocates for them (tracemalloc): resident memory cannot tell new
allocations from reused arenas.
"""

from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc
from contextlib import AsyncExitStack

from websockets.asyncio.client import ClientConnection, connect

from scalingo_async import Client, DeploymentStream

from ._common import Result, cpu

IDLE_SECONDS = 2.0


async def _ours(url: str, count: int) -> tuple[float, float]:
    async with Client("tk-us-bench", api_url=url, auth_url=url, max_concurrency=100) as client:
        apps = [f"idle-{i}" for i in range(count)]
        await asyncio.gather(*(client.apps.get(a) for a in apps[:10]))  # warm up
        gc.collect()
        tracemalloc.start()
        async with AsyncExitStack() as stack:
            streams: list[DeploymentStream] = []
            for group in range(0, count, 100):
                opened = await asyncio.gather(*(
                    stack.enter_async_context(client.deployments.stream(a))
                    for a in apps[group:group + 100]))  # fmt: skip
                streams.extend(opened)
            gc.collect()
            per_stream = tracemalloc.get_traced_memory()[0] / count
            tracemalloc.stop()
            start = cpu()
            await asyncio.sleep(IDLE_SECONDS)  # idle: what do 1,000 open streams cost?
            idle = (cpu() - start) / IDLE_SECONDS
    return per_stream, idle


async def _raw(url: str, count: int) -> float:
    base = url.replace("http://", "ws://")
    gc.collect()
    tracemalloc.start()
    async with AsyncExitStack() as stack:
        conns: list[ClientConnection] = []
        for i in range(count):
            ws = await stack.enter_async_context(connect(f"{base}/stream/raw-{i}"))
            await ws.send(json.dumps({"type": "auth", "data": {"token": "t"}}))
            conns.append(ws)
        gc.collect()
        per_connection = tracemalloc.get_traced_memory()[0] / count
        tracemalloc.stop()
        return per_connection


def run(quick: bool) -> list[Result]:
    from .server import ServerProcess

    count = 100 if quick else 1_000
    with ServerProcess() as url:
        raw = asyncio.run(_raw(url, count))
    with ServerProcess() as url:
        ours, idle = asyncio.run(_ours(url, count))
    return [
        Result(f"{count:,} deployment streams open at once: memory per stream (KiB)",
               f"{ours / 1024:.0f}", f"websockets {raw / 1024:.0f}",
               ours / raw if raw > 0 else None, "<= 100 KiB", ours <= 100 * 1024),
        Result(f"  the same, idle CPU over {IDLE_SECONDS:g}s", f"{idle:.1%} of a core", "-",
               None, "near zero (< 2%)", idle < 0.02),
    ]  # fmt: skip

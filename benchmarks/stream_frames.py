"""Log frames through deployments.stream(), vs a raw websockets loop with json.loads."""

from __future__ import annotations

import asyncio
import json
import time

from websockets.asyncio.client import connect

from scalingo_async import Client, DeploymentLogEvent

from ._common import Result, cpu, rss


async def _ours(url: str, frames: int) -> tuple[float, float, int]:
    app = f"log-{frames}"
    async with Client("tk-us-bench", api_url=url, auth_url=url) as client:
        await client.apps.get(app)
        seen = 0
        rss_at_tenth = 0
        start, start_cpu = time.perf_counter(), cpu()
        async with client.deployments.stream(app) as stream:
            async for event in stream:
                if isinstance(event, DeploymentLogEvent):
                    seen += 1
                    if seen == frames // 10:
                        rss_at_tenth = rss()
                    if seen == frames:
                        break
        elapsed, used = time.perf_counter() - start, cpu() - start_cpu
        growth = rss() - rss_at_tenth
    return frames / elapsed, used / frames, growth


async def _raw(url: str, frames: int) -> tuple[float, float]:
    ws_url = url.replace("http://", "ws://") + f"/stream/log-{frames}"
    start, start_cpu = time.perf_counter(), cpu()
    async with connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "data": {"token": "t"}}))
        for _ in range(frames):
            json.loads(await ws.recv())
    return frames / (time.perf_counter() - start), (cpu() - start_cpu) / frames


def run(quick: bool) -> list[Result]:
    from .server import ServerProcess

    frames = 20_000 if quick else 1_000_000
    with ServerProcess() as url:
        raw_rate, raw_cpu = asyncio.run(_raw(url, frames))
        rate, per_frame, growth = asyncio.run(_ours(url, frames))
    flat = growth < 10 * 2**20
    return [
        Result(f"{frames:,} log frames through deployments.stream() (frames/s)",
               f"{rate:,.0f}", f"websockets+json.loads {raw_rate:,.0f}", rate / raw_rate,
               ">= 0.8x", rate / raw_rate >= 0.8),
        Result("  the same, client CPU per frame (us)", f"{per_frame * 1e6:.1f}",
               f"{raw_cpu * 1e6:.1f}", per_frame / raw_cpu, "(reported)", True),
        Result("  the same, memory growth from 10% to 100% of frames",
               f"{growth / 2**20:+.1f} MiB", "-", None, "flat (< 10 MiB)", flat),
    ]  # fmt: skip

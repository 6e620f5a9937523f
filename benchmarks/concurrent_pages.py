"""deployments.page() for 1,000 apps, 100 in flight, vs raw aiohttp doing the same requests."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

import aiohttp

from scalingo_async import Client

from ._common import Result


async def _measure(url: str, apps: int) -> tuple[float, float, int]:
    names = [f"app-{i}" for i in range(apps)]
    async with Client("tk-us-bench", api_url=url, auth_url=url, max_concurrency=100) as client:
        await client.deployments.page("warm-up")
        bearer = await client._transport.credentials.bearer()
        headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(connector=connector) as session:
            slots = asyncio.Semaphore(100)

            async def raw(name: str) -> object:
                page = f"{url}/v1/apps/{name}/deployments"
                async with slots, session.get(page, params={"page": 1}, headers=headers) as resp:
                    return await resp.json()

            await asyncio.gather(*(raw(n) for n in names[:100]))  # warm the pool
            await asyncio.gather(*(client.deployments.page(n) for n in names[:100]))
            best_ours = best_raw = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                await asyncio.gather(*(raw(n) for n in names))
                best_raw = min(best_raw, time.perf_counter() - start)
                start = time.perf_counter()
                pages = await asyncio.gather(*(client.deployments.page(n) for n in names))
                best_ours = min(best_ours, time.perf_counter() - start)
                assert len(pages) == apps
            del pages
            # Peak memory in a run of its own: tracing slows every allocation.
            tracemalloc.start()
            await asyncio.gather(*(client.deployments.page(n) for n in names))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    return apps / best_ours, apps / best_raw, peak


def run(quick: bool) -> list[Result]:
    from .server import ServerProcess

    apps = 200 if quick else 1_000
    with ServerProcess() as url:
        ours, raw, peak = asyncio.run(_measure(url, apps))
    return [Result(f"deployments.page() for {apps:,} apps, 100 in flight (pages/s; peak"
                   f" {peak / 2**20:.0f} MiB traced)", f"{ours:,.0f}", f"aiohttp {raw:,.0f}",
                   ours / raw, ">= 0.85x", ours / raw >= 0.85)]  # fmt: skip

"""deployments.list() over 1,000 pages of 100: memory must not grow with the pages walked."""

from __future__ import annotations

import asyncio
import tracemalloc

from scalingo_async import Client

from ._common import Result


async def _measure(url: str, pages: int) -> tuple[int, int]:
    async with Client("tk-us-bench", api_url=url, auth_url=url) as client:
        await client.event_types.list()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        count = 0
        async for _ in client.deployments.list(f"pages-{pages}", per_page=100):
            count += 1
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    return count, peak


def run(quick: bool) -> list[Result]:
    from .server import ServerProcess

    pages = 50 if quick else 1_000
    with ServerProcess() as url:
        count, peak = asyncio.run(_measure(url, pages))
    assert count == pages * 100, count
    return [Result(f"deployments.list() over {count:,} deployments ({pages:,} pages):"
                   " peak memory growth", f"{peak / 2**20:.1f} MiB", "-", None, "< 20 MiB",
                   peak < 20 * 2**20)]  # fmt: skip

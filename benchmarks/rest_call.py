"""One event_types.list() call, client CPU per call over sequential calls, vs raw aiohttp."""

from __future__ import annotations

import asyncio

import aiohttp

from scalingo_async import Client

from ._common import Result, cpu
from .server import ServerProcess


async def _measure(url: str, calls: int) -> tuple[float, float]:
    async with Client("tk-us-bench", api_url=url, auth_url=url) as client:
        await client.event_types.list()  # exchange the token, open the connection
        bearer = await client._transport.credentials.bearer()
        headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}
        async with aiohttp.ClientSession() as session:

            async def raw() -> None:
                async with session.get(f"{url}/v1/event_types", headers=headers) as resp:
                    await resp.json()

            await raw()
            results = {}
            # Interleaved rounds, so that both see the same machine load.
            ours_cpu = raw_cpu = 0.0
            for _ in range(5):
                start = cpu()
                for _ in range(calls // 5):
                    await client.event_types.list()
                ours_cpu += cpu() - start
                start = cpu()
                for _ in range(calls // 5):
                    await raw()
                raw_cpu += cpu() - start
            results["ours"], results["raw"] = ours_cpu / calls, raw_cpu / calls
    return results["ours"], results["raw"]


def run(quick: bool) -> list[Result]:
    calls = 500 if quick else 5_000
    with ServerProcess() as url:
        ours, raw = asyncio.run(_measure(url, calls))
    return [Result(f"event_types.list(), client CPU per call over {calls:,} calls (us)",
                   f"{ours * 1e6:.0f}", f"aiohttp GET+json() {raw * 1e6:.0f}", ours / raw,
                   "<= 1.25x", ours / raw <= 1.25)]  # fmt: skip

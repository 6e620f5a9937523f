"""deployments.upload_source() of a folder: packed to disk and streamed, memory stays flat."""

from __future__ import annotations

import asyncio
import io
import os
import tarfile
import tempfile
import tracemalloc
from pathlib import Path

from scalingo_async import Client

from ._common import Result


def _pack_in_memory(folder: Path) -> bytes:
    """The reference: the archive built in memory, as the SDK did before it streamed."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()


async def _peak(url: str, folder: Path, in_memory: bool) -> int:
    """Peak memory growth, in bytes, while the folder is packed and uploaded."""
    async with Client("tk-us-bench", api_url=url, auth_url=url) as client:
        await client.event_types.list()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        if in_memory:
            archive = await asyncio.to_thread(_pack_in_memory, folder)
            await client.deployments.upload_source(archive)
        else:
            await client.deployments.upload_source(folder)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    return peak


def run(quick: bool) -> list[Result]:
    from .server import ServerProcess

    size = 4 * 2**20 if quick else 64 * 2**20
    with tempfile.TemporaryDirectory() as tmp, ServerProcess() as url:
        folder = Path(tmp, "app")
        folder.mkdir()
        # Random bytes do not compress: the archive is as large as the folder.
        (folder / "assets.bin").write_bytes(os.urandom(size))
        ours = asyncio.run(_peak(url, folder, in_memory=False))
        theirs = asyncio.run(_peak(url, folder, in_memory=True))
    mib = 2**20
    return [Result(f"deploying a {size // mib} MiB folder (pack + upload): peak memory growth"
                   " (MiB)", f"{ours / mib:.1f}", f"packed in memory {theirs / mib:.1f}",
                   ours / theirs, "flat (< 10 MiB)", ours < 10 * mib)]  # fmt: skip

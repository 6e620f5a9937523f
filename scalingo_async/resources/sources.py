from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from .._archive import check_size
from .._protocol import check_base_url
from ..models import Source
from ._base import Resource

# Uploads can be large and slow; only a stalled connection should fail them.
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)


class Sources(Resource):
    async def create(self) -> Source:
        """A place to upload an archive: `upload_url` for the PUT, `download_url` to deploy.
        Both live 10 minutes."""
        response = await self._transport.request("POST", "/v1/sources")
        return response.model("source", Source)

    async def upload(self, source: Source, archive: bytes | Path) -> None:
        """PUT a .tar.gz (bytes, or a file streamed from disk) to the source's presigned URL.
        No token is sent there."""
        if isinstance(archive, Path):
            check_size((await asyncio.to_thread(archive.stat)).st_size, f"the archive {archive}")
        else:
            check_size(len(archive), "the archive")
        url = check_base_url(source.upload_url, "upload_url")
        await self._transport.send(
            "PUT",
            url,
            headers={"Content-Type": "application/x-gzip"},
            data=archive,
            timeout=UPLOAD_TIMEOUT,
        )

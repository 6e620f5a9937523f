from __future__ import annotations

import aiohttp

from .._archive import MAX_ARCHIVE_BYTES
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

    async def upload(self, source: Source, archive: bytes) -> None:
        """PUT a .tar.gz to the source's presigned URL. No token is sent there."""
        if len(archive) > MAX_ARCHIVE_BYTES:
            raise ValueError(
                f"the archive has {len(archive):,} bytes; the API takes at most"
                f" {MAX_ARCHIVE_BYTES:,}"
            )
        url = check_base_url(source.upload_url, "upload_url")
        await self._transport.send(
            "PUT",
            url,
            headers={"Content-Type": "application/x-gzip"},
            data=archive,
            timeout=UPLOAD_TIMEOUT,
        )

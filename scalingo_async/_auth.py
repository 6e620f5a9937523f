"""Credentials: the API token exchange, bearer refresh, and the region's API URL.

The exchange is single-flight: however many calls need a bearer token at once, one exchange
runs and the others wait for its result. The official Go client has no lock, so fifty
concurrent calls make fifty exchanges; the JS client never refreshes at all.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from . import _protocol
from .errors import AuthenticationError, RegionNotFoundError
from .models import Region

if TYPE_CHECKING:
    from ._transport import Response

__all__ = ["Credentials"]

# Exchange again when less than this is left, as the Go client does.
REFRESH_MARGIN = 300.0

Send = Callable[..., Awaitable["Response"]]


class Credentials:
    """Holds the tokens and the resolved API URL of one client. Never shows a token."""

    def __init__(
        self,
        send: Send,
        *,
        api_token: str | None,
        bearer_token: str | None,
        auth_url: str,
        api_url: str | None,
        region: str,
    ) -> None:
        self._send = send
        self._api_token = api_token
        self._bearer = bearer_token
        self._expires_at = _protocol.jwt_expiry(bearer_token) if bearer_token else None
        self._auth_url = auth_url
        self._api_url = api_url
        self._region = region
        self._bearer_lock = asyncio.Lock()
        self._region_lock = asyncio.Lock()
        self.exchanges = 0

    def __repr__(self) -> str:
        return f"<Credentials auth_url={self._auth_url!r} region={self._region!r}>"

    @property
    def api_token(self) -> str | None:
        return self._api_token

    @property
    def can_refresh(self) -> bool:
        return self._api_token is not None

    def _fresh(self) -> bool:
        if self._bearer is None:
            return False
        if self._expires_at is None:
            return True
        return self._expires_at - time.time() > REFRESH_MARGIN

    async def bearer(self) -> str:
        """A bearer token valid for at least five more minutes, exchanging if needed."""
        if self._fresh() or (self._bearer is not None and self._api_token is None):
            # A caller-given bearer token without an API token cannot be renewed: use it as is.
            assert self._bearer is not None
            return self._bearer
        async with self._bearer_lock:
            if not self._fresh():
                await self._exchange()
            assert self._bearer is not None
            return self._bearer

    def invalidate(self, bearer: str) -> None:
        """Drop `bearer` after a 401, unless a concurrent call already replaced it."""
        if self._api_token is not None and self._bearer == bearer:
            self._bearer = None
            self._expires_at = None

    async def _exchange(self) -> None:
        assert self._api_token is not None
        basic = base64.b64encode(f":{self._api_token}".encode()).decode("ascii")
        try:
            response = await self._send(
                "POST",
                f"{self._auth_url}/v1/tokens/exchange",
                headers={"Authorization": f"Basic {basic}"},
                idempotent=True,
            )
        except AuthenticationError as error:
            error.message = (
                f"the auth service refused the API token ({error.message}); check the token"
                " passed to Client or SCALINGO_API_TOKEN"
            )
            raise
        data = response.json()
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise response.decode_error("the token exchange answer has no 'token'")
        self.exchanges += 1
        self._bearer = token
        self._expires_at = _protocol.jwt_expiry(token)

    async def api_url(self) -> str:
        """The API base URL: the one given, or the region's as the auth service lists it."""
        if self._api_url is not None:
            return self._api_url
        async with self._region_lock:
            if self._api_url is None:
                region = await self._find_region(self._region)
                self._api_url = _protocol.check_base_url(region.api, f"region {region.name!r} API")
            return self._api_url

    async def regions(self) -> list[Region]:
        """The regions this account may use. Cached per client, since they differ per account."""
        bearer = await self.bearer()
        response = await self._send(
            "GET",
            f"{self._auth_url}/v1/regions",
            headers={"Authorization": f"Bearer {bearer}"},
        )
        return response.models("regions", Region)

    async def _find_region(self, name: str) -> Region:
        regions = await self.regions()
        for region in regions:
            if region.name == name:
                return region
        raise RegionNotFoundError(name, [r.name for r in regions])

"""The Client: configuration, lifecycle, and the resources as attributes."""

from __future__ import annotations

import copy
import os
from types import TracebackType
from typing import Any, Self

import aiohttp

from . import _protocol
from ._limits import RateLimit
from ._log import configure_from_env
from ._transport import DEFAULT_TIMEOUT, Timeout, Transport
from ._version import __version__
from .models import Region
from .resources import (
    Apps,
    Deployments,
    EventCategories,
    Events,
    EventTypes,
    Operations,
    Sources,
)

__all__ = ["DEFAULT_AUTH_URL", "DEFAULT_REGION", "Client"]

DEFAULT_AUTH_URL = "https://auth.scalingo.com"
DEFAULT_REGION = "osc-fr1"
DEFAULT_MAX_RETRIES = 2


class Client:
    """An asyncio client of the Scalingo API v1, wrapping one aiohttp session.

    Use it as `async with Client(token=...) as client:`, or call `await client.close()`. The
    session is created on first use, inside the running loop; a `session` you pass is used as
    is and never closed by the client.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        bearer_token: str | None = None,
        region: str | None = None,
        api_url: str | None = None,
        auth_url: str = DEFAULT_AUTH_URL,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        session: aiohttp.ClientSession | None = None,
        user_agent: str | None = None,
        max_concurrency: int | None = None,
        rate_limit: RateLimit | None = None,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        if not token and not bearer_token:
            raise ValueError(
                "a Client needs an API token (token=..., or SCALINGO_API_TOKEN with from_env())"
                " or a bearer_token"
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        configure_from_env()
        self.region = region or DEFAULT_REGION
        self.auth_url = _protocol.check_base_url(auth_url, "auth_url")
        self.api_url = _protocol.check_base_url(api_url, "api_url") if api_url else None
        self._transport = Transport(
            api_token=token or None,
            bearer_token=bearer_token or None,
            api_url=self.api_url,
            auth_url=self.auth_url,
            region=self.region,
            timeout=timeout,
            max_retries=max_retries,
            session=session,
            user_agent=user_agent or f"scalingo-async/{__version__}",
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            trace_configs=trace_configs,
        )
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.apps = Apps(self._transport)
        self.deployments = Deployments(self._transport)
        self.events = Events(self._transport)
        self.event_types = EventTypes(self._transport)
        self.event_categories = EventCategories(self._transport)
        self.operations = Operations(self._transport)
        self.sources = Sources(self._transport)

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """A client configured as the official CLI is: SCALINGO_API_TOKEN, SCALINGO_REGION,
        SCALINGO_API_URL and SCALINGO_AUTH_URL. Keyword arguments win over the environment."""
        settings: dict[str, Any] = {
            "token": os.environ.get("SCALINGO_API_TOKEN") or None,
            "region": os.environ.get("SCALINGO_REGION") or None,
            "api_url": os.environ.get("SCALINGO_API_URL") or None,
        }
        if os.environ.get("SCALINGO_AUTH_URL"):
            settings["auth_url"] = os.environ["SCALINGO_AUTH_URL"]
        settings.update(overrides)
        if not settings.get("token") and not settings.get("bearer_token"):
            raise ValueError("SCALINGO_API_TOKEN is not set")
        return cls(**settings)

    def with_options(self, *, timeout: Timeout = None, max_retries: int | None = None) -> Self:
        """This client with another timeout or retry count, for the calls made through it.

        The copy shares the session, tokens and limits: `client.with_options(timeout=5)
        .deployments.get(...)` costs nothing, and closing either closes both.
        """
        if max_retries is not None and (isinstance(max_retries, bool) or max_retries < 0):
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        view = copy.copy(self)
        view._transport = self._transport.with_options(timeout=timeout, max_retries=max_retries)
        view._bind_resources()
        return view

    def __repr__(self) -> str:
        where = self.api_url or f"region {self.region}"
        return f"<scalingo_async.Client {where}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session the client created. Safe to call twice."""
        await self._transport.close()

    async def regions(self) -> list[Region]:
        """The regions this account may use, as the auth service lists them."""
        return await self._transport.credentials.regions()

    async def resolve_api_url(self) -> str:
        """The API base URL in use: `api_url` if given, else the region's."""
        return await self._transport.credentials.api_url()

"""The one request path: every API call goes through `Transport.request`.

It holds all policy in one place: the base URL and bearer header, retries with backoff, error
mapping and decoding. Resources only build paths and name the model they expect.
"""

from __future__ import annotations

import asyncio
import copy
import io
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self, TypeVar

import aiohttp
import attrs
import orjson
from multidict import CIMultiDictProxy

from . import _converter, _decode, _protocol
from ._auth import Credentials
from ._limits import Limiter, RateLimit
from ._log import logger
from .errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ClientClosedError,
    DecodeError,
    excerpt,
)
from .models import Page

__all__ = ["DEFAULT_TIMEOUT", "Response", "Transport"]

T = TypeVar("T")
R = TypeVar("R")


DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10)
# A Retry-After above this is not slept through: the caller gets the RateLimitError instead.
MAX_RETRY_AFTER = 60.0

Timeout = float | aiohttp.ClientTimeout | None


@attrs.frozen
class Response:
    """A complete answer: its body is read, the connection already released."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    method: str
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def decode_error(self, message: str) -> DecodeError:
        return DecodeError(
            message,
            excerpt=excerpt(self.body),
            method=self.method,
            url=self.url,
            status=self.status,
        )

    def _retag(self, exc: DecodeError) -> DecodeError:
        # The converter knows neither the request nor the whole body: name both.
        return self.decode_error(exc.reason)

    def json(self) -> Any:
        try:
            return _converter.loads(self.body)
        except DecodeError as exc:
            raise self._retag(exc) from None

    def _read(self, decode: Callable[[bytes, str, type[T]], R], key: str, cls: type[T]) -> R:
        try:
            return decode(self.body, key, cls)
        except DecodeError as exc:
            raise self._retag(exc) from None

    def model(self, key: str, cls: type[T]) -> T:
        return self._read(_decode.decode, key, cls)

    def models(self, key: str, cls: type[T]) -> list[T]:
        return self._read(_decode.decode_list, key, cls)

    def page(self, key: str, cls: type[T]) -> Page[T]:
        items, meta = self._read(_decode.decode_page, key, cls)
        return Page(items, _protocol.parse_pagination({"meta": meta}))


def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout | None:
    if timeout is None or isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    return aiohttp.ClientTimeout(total=float(timeout), sock_connect=min(10.0, float(timeout)))


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def redact(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credentials replaced by their scheme."""
    return {
        k: v.split(" ", 1)[0] + " <redacted>" if k.lower() == "authorization" else v
        for k, v in headers.items()
    }


class _Session:
    """The one aiohttp session of a client, shared by its `with_options` views."""

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        timeout: aiohttp.ClientTimeout,
        trace_configs: list[aiohttp.TraceConfig] | None,
    ) -> None:
        self._session = session
        self._owned = session is None
        self._timeout = timeout
        self._trace_configs = trace_configs
        self.closed = False

    def get(self) -> aiohttp.ClientSession:
        if self.closed:
            raise ClientClosedError("this Client is closed; create a new one")
        if self._session is None:
            # Created here, on first use, so that it belongs to the running loop.
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, trace_configs=self._trace_configs
            )
        return self._session

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        session, self._session = self._session, None
        if session is not None and self._owned:
            await session.close()


class Transport:
    """Sends every request of one client, with its limits, retries and error mapping."""

    def __init__(
        self,
        *,
        api_token: str | None,
        bearer_token: str | None,
        api_url: str | None,
        auth_url: str,
        region: str,
        timeout: Timeout,
        max_retries: int,
        session: aiohttp.ClientSession | None,
        user_agent: str,
        max_concurrency: int | None = None,
        rate_limit: RateLimit | None = None,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.credentials = Credentials(
            self.send,
            api_token=api_token,
            bearer_token=bearer_token,
            auth_url=auth_url,
            api_url=api_url,
            region=region,
        )
        self.timeout = _client_timeout(timeout) or DEFAULT_TIMEOUT
        self.max_retries = max_retries
        self.limiter = Limiter(max_concurrency, rate_limit)
        self._session = _Session(session, self.timeout, trace_configs)
        self.user_agent = user_agent
        self._headers = {"User-Agent": user_agent, "Accept": "application/json"}

    def with_options(self, *, timeout: Timeout = None, max_retries: int | None = None) -> Self:
        """A view with other defaults, sharing the session, credentials and limits."""
        view = copy.copy(self)
        if timeout is not None:
            view.timeout = _client_timeout(timeout) or self.timeout
        if max_retries is not None:
            view.max_retries = max_retries
        return view

    @property
    def session(self) -> aiohttp.ClientSession:
        return self._session.get()

    async def close(self) -> None:
        await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
    ) -> Response:
        """Send an authenticated API request; on a 401 with a renewable token, renew once."""
        base = await self.credentials.api_url()
        for renewed in (False, True):
            bearer = await self.credentials.bearer()
            try:
                return await self.send(
                    method,
                    base + path,
                    headers={"Authorization": f"Bearer {bearer}"},
                    params=params,
                    json=json,
                )
            except AuthenticationError:
                if renewed or not self.credentials.can_refresh:
                    raise
                logger.info("%s %s: 401, exchanging the API token again", method, path)
                self.credentials.invalidate(bearer)
        raise AssertionError("unreachable")

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        data: bytes | Path | None = None,
        timeout: aiohttp.ClientTimeout | None = None,
        idempotent: bool | None = None,
    ) -> Response:
        """Send one request under the limits and the retry policy; return a 2xx answer.

        A `Path` as `data` is streamed from disk, opened afresh for each attempt: aiohttp closes
        the file after sending, and a retry must send it whole.
        """
        session = self._session.get()
        safe = method in _protocol.IDEMPOTENT_METHODS if idempotent is None else idempotent
        all_headers = {**self._headers, **(headers or {})}
        if json is not None:
            data = orjson.dumps(json)
            all_headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            started = time.monotonic()
            # Opening a local file is quick; in a thread, a cancellation could leak it.
            payload = data.open("rb") if isinstance(data, Path) else data
            try:
                async with (
                    self.limiter.slot(),
                    session.request(
                        method,
                        url,
                        headers=all_headers,
                        params=params,
                        data=payload,
                        timeout=timeout or self.timeout,
                        allow_redirects=False,
                    ) as resp,
                ):
                    if resp.status < 300:
                        body = await resp.read()
                    else:
                        body = await _read_capped(resp, _protocol.ERROR_BODY_LIMIT)
                    status, resp_headers = resp.status, resp.headers
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = self._connection_error(exc, method, url, attempt)
                # A POST is resent only when it provably never left: no connection was made.
                never_sent = isinstance(
                    exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError
                )
                if attempt < self.max_retries and (safe or never_sent):
                    await self._backoff(attempt, method, url, str(error), None)
                    attempt += 1
                    continue
                logger.debug("%s %s failed after %d retries: %s", method, url, attempt, error)
                raise error from exc
            finally:
                if isinstance(payload, io.BufferedReader):
                    payload.close()
            if logger.isEnabledFor(logging.DEBUG):  # redact() costs a dict per call: only if shown
                logger.debug(
                    "%s %s -> %s in %.3fs (attempt %d) %s",
                    method, url, status, time.monotonic() - started, attempt + 1,
                    redact(all_headers),
                )  # fmt: skip
            if status < 300:
                return Response(status, resp_headers, body, method, url)
            error_ = _protocol.error_from_response(
                status, resp_headers, body, method=method, url=url, retries=attempt, now=time.time()
            )
            if attempt < self.max_retries and safe and status in _protocol.RETRYABLE_STATUSES:
                wait = _protocol.parse_retry_after(resp_headers.get("Retry-After"), time.time())
                if wait is None or wait <= MAX_RETRY_AFTER:
                    await self._backoff(attempt, method, url, f"status {status}", wait)
                    attempt += 1
                    continue
            raise error_

    async def _backoff(
        self, attempt: int, method: str, url: str, why: str, wait: float | None
    ) -> None:
        delay = _protocol.backoff_delay(attempt) if wait is None else wait
        logger.info("%s %s: %s; retry %d in %.2fs", method, url, why, attempt + 1, delay)
        await asyncio.sleep(delay)

    @staticmethod
    def _connection_error(
        exc: BaseException, method: str, url: str, attempt: int
    ) -> APIConnectionError:
        if isinstance(exc, TimeoutError):
            return APITimeoutError(
                f"{method} {url} timed out", method=method, url=url, retries=attempt
            )
        detail = str(exc) or type(exc).__name__
        return APIConnectionError(
            f"{method} {url} failed: {detail}", method=method, url=url, retries=attempt
        )

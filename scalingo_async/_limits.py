"""Client-side limits shared by every call of one client: requests in flight, requests per period.

A bot that gathers 1,000 polls at once should neither open 1,000 connections nor blow through
the API's 60 requests a minute and then sit on 429s.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import attrs

__all__ = ["Limiter", "RateLimit", "rate_delay"]


@attrs.frozen
class RateLimit:
    """At most `requests` requests started in any window of `period` seconds."""

    requests: int = attrs.field(validator=attrs.validators.gt(0))
    period: float = attrs.field(default=60.0, validator=attrs.validators.gt(0))


def rate_delay(started: Sequence[float], now: float, limit: RateLimit) -> float:
    """How long to wait before the next request may start, given the last start times."""
    if len(started) < limit.requests:
        return 0.0
    return max(0.0, started[-limit.requests] + limit.period - now)


class Limiter:
    def __init__(self, max_concurrency: int | None, rate_limit: RateLimit | None) -> None:
        if max_concurrency is not None and max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency!r}")
        self.max_concurrency = max_concurrency
        self.rate_limit = rate_limit
        self._semaphore = asyncio.Semaphore(max_concurrency) if max_concurrency else None
        self._rate_lock = asyncio.Lock()
        self._started: collections.deque[float] = collections.deque(
            maxlen=rate_limit.requests if rate_limit else 1
        )

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one place in flight, started within the rate limit."""
        if self._semaphore is None:
            await self._wait_for_rate()
            yield
            return
        async with self._semaphore:
            await self._wait_for_rate()
            yield

    async def _wait_for_rate(self) -> None:
        if self.rate_limit is None:
            return
        loop = asyncio.get_running_loop()
        # One waiter at a time, so that starts are granted in arrival order.
        async with self._rate_lock:
            delay = rate_delay(self._started, loop.time(), self.rate_limit)
            if delay > 0:
                # asyncio may fire a timer up to its clock resolution early: never start early.
                await asyncio.sleep(delay + 0.001)
            self._started.append(loop.time())

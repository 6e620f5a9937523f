"""Walking paginated lists lazily, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from .errors import DecodeError
from .models import Page, Pagination

__all__ = ["Page", "Pagination", "page_params", "paginate"]

T = TypeVar("T")


def page_params(page: int, per_page: int | None) -> dict[str, int]:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page must be an integer >= 1, got {page!r}")
    params = {"page": page}
    if per_page is not None:
        if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be an integer >= 1, got {per_page!r}")
        params["per_page"] = per_page
    return params


async def paginate(fetch: Callable[[int], Awaitable[Page[T]]], start: int = 1) -> AsyncIterator[T]:
    """Yield every item of every page from `start`, fetching the next page only when needed.

    Stops at `next_page: null` and also when an answer has no pagination meta at all.
    """
    number = start
    while True:
        page = await fetch(number)
        for item in page.items:
            yield item
        following = page.pagination.next_page if page.pagination else None
        if following is None:
            return
        if following <= number:
            # A server that points backwards would make this loop forever.
            raise DecodeError(f"pagination went from page {number} to page {following}")
        number = following

from __future__ import annotations

from collections.abc import AsyncIterator

from .._protocol import path_segment
from ..models import Event, Page
from ..pagination import page_params, paginate
from ._base import Resource


def _path(app: str | None) -> str:
    return "/v1/events" if app is None else f"/v1/apps/{path_segment(app, 'app')}/events"


class Events(Resource):
    async def page(
        self, app: str | None = None, page: int = 1, per_page: int | None = None
    ) -> Page[Event]:
        """One page of an app's timeline, or of the user's events when `app` is None."""
        response = await self._transport.request(
            "GET", _path(app), params=page_params(page, per_page)
        )
        return response.page("events", Event)

    async def list(
        self, app: str | None = None, per_page: int | None = None
    ) -> AsyncIterator[Event]:
        """Every event of an app's timeline (or the user's), fetched page by page as consumed."""
        page_params(1, per_page)
        _path(app)  # refuse a bad app name before the first request
        async for event in paginate(lambda n: self.page(app, n, per_page)):
            yield event

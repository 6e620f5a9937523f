from __future__ import annotations

from ..models import EventCategory
from ._base import Resource


class EventCategories(Resource):
    async def list(self) -> list[EventCategory]:
        """Every event category, ordered as the API sends them (see `position`)."""
        response = await self._transport.request("GET", "/v1/event_categories")
        return response.models("event_categories", EventCategory)

from __future__ import annotations

from ..models import EventType
from ._base import Resource


class EventTypes(Resource):
    async def list(self) -> list[EventType]:
        """Every event type, to pick the ones a notifier should send."""
        response = await self._transport.request("GET", "/v1/event_types")
        return response.models("event_types", EventType)

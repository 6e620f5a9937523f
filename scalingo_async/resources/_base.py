from __future__ import annotations

from .._transport import Transport


class Resource:
    """A group of API calls. It builds paths and names models; the transport does the rest."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

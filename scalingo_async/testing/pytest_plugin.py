"""Pytest fixtures for FakeScalingo.

Enable them in a conftest.py with `pytest_plugins = ["scalingo_async.testing.pytest_plugin"]`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from ..client import Client
from .fake import FakeScalingo


@pytest_asyncio.fixture
async def fake_scalingo() -> AsyncIterator[FakeScalingo]:
    """A started FakeScalingo, stopped after the test."""
    async with FakeScalingo() as fake:
        yield fake


@pytest_asyncio.fixture
async def scalingo_client(fake_scalingo: FakeScalingo) -> AsyncIterator[Client]:
    """A Client of `fake_scalingo`, closed after the test."""
    async with fake_scalingo.client() as client:
        yield client

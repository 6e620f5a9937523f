"""Test helpers: FakeScalingo, a real Scalingo-shaped server on loopback, and pytest fixtures."""

from .fake import FakeScalingo, Fault, RecordedRequest

__all__ = ["FakeScalingo", "Fault", "RecordedRequest"]

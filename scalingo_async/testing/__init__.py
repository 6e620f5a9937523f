"""Test helpers: FakeScalingo, a real Scalingo-shaped server on loopback, and pytest fixtures."""

from .fake import DeploymentPlan, FakeScalingo, Fault, RecordedRequest

__all__ = ["DeploymentPlan", "FakeScalingo", "Fault", "RecordedRequest"]

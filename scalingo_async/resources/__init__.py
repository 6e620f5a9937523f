"""One module per API resource. Each method builds a path and names the model it expects."""

from .apps import Apps
from .deployments import Deployments
from .event_categories import EventCategories
from .event_types import EventTypes
from .events import Events
from .operations import Operations
from .sources import Sources

__all__ = [
    "Apps",
    "Deployments",
    "EventCategories",
    "EventTypes",
    "Events",
    "Operations",
    "Sources",
]

"""Typed views of the API's JSON objects.

Fields the API may leave out or send as null default to None, so an answer with fewer fields
still decodes; fields it adds later are ignored. Dates are timezone-aware `datetime`s.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import attrs
import msgspec

__all__ = [
    "App",
    "AppLinks",
    "AwareDatetime",
    "Container",
    "Deployment",
    "DeploymentLinks",
    "DeploymentLogEvent",
    "DeploymentNewEvent",
    "DeploymentStatus",
    "DeploymentStatusEvent",
    "DeploymentStreamEvent",
    "Event",
    "EventCategory",
    "EventType",
    "Operation",
    "OperationRef",
    "OperationStatus",
    "Page",
    "Pagination",
    "PingEvent",
    "Region",
    "ScaleOperation",
    "Source",
    "StreamEvent",
    "User",
]

T = TypeVar("T")

# A date with its UTC offset, as the API sends them. The annotation makes the fast decoder
# refuse a date without one, which the converter then reads as UTC rather than local time.
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class _OpenStrEnum(enum.StrEnum):
    """A StrEnum that keeps a value it does not know instead of failing.

    The API adds statuses over time; an SDK that raises on them breaks every user the day one
    ships. An unknown value becomes a pseudo-member that compares equal to its text.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper().replace("-", "_")
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        return self._value_ in type(self)._value2member_map_


class DeploymentStatus(_OpenStrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    PUSHING = "pushing"
    STARTING = "starting"
    SUCCESS = "success"
    CRASHED_ERROR = "crashed-error"
    TIMEOUT_ERROR = "timeout-error"
    BUILD_ERROR = "build-error"
    HOOK_ERROR = "hook-error"
    ABORTED = "aborted"

    @property
    def is_running(self) -> bool:
        return self in _DEPLOYMENT_RUNNING

    @property
    def is_finished(self) -> bool:
        """Every status but the four running ones is final, unknown ones included (API-NOTES)."""
        return self not in _DEPLOYMENT_RUNNING

    @property
    def is_success(self) -> bool:
        return self is DeploymentStatus.SUCCESS

    @property
    def is_error(self) -> bool:
        """Final and not success: the deployment failed."""
        return self.is_finished and not self.is_success


_DEPLOYMENT_RUNNING = frozenset(
    {
        DeploymentStatus.QUEUED,
        DeploymentStatus.BUILDING,
        DeploymentStatus.PUSHING,
        DeploymentStatus.STARTING,
    }
)


class OperationStatus(_OpenStrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"

    @property
    def is_finished(self) -> bool:
        """Only `done` and `error` end an operation; an unknown status is treated as ongoing."""
        return self in (OperationStatus.DONE, OperationStatus.ERROR)

    @property
    def is_error(self) -> bool:
        return self is OperationStatus.ERROR


@attrs.frozen
class User:
    """A user as embedded in other objects (a deployment's pusher, an event's author)."""

    id: str
    username: str | None = None
    email: str | None = None


@attrs.frozen
class Region:
    """A region as the auth service lists it; `api` is the base URL of its API."""

    name: str
    api: str
    display_name: str | None = None
    dashboard: str | None = None
    database_api: str | None = None
    ssh: str | None = None
    default: bool = False


@attrs.frozen
class EventCategory:
    id: str
    name: str
    display_name: str | None = None
    position: int | None = None


@attrs.frozen
class EventType:
    id: str
    name: str
    category_id: str | None = None
    display_name: str | None = None
    description: str | None = None


@attrs.frozen
class AppLinks:
    deployments_stream: str | None = None


@attrs.frozen
class App:
    id: str
    name: str
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    region: str | None = None
    status: str | None = None
    url: str | None = None
    git_url: str | None = None
    owner: User | None = None
    last_deployed_at: AwareDatetime | None = None
    last_deployment_id: str | None = None
    links: AppLinks = AppLinks()


@attrs.frozen
class DeploymentLinks:
    output: str | None = None


@attrs.frozen
class Deployment:
    id: str
    app_id: str | None = None
    created_at: AwareDatetime | None = None
    # The "get a deployment" example of the API document has no status: it stays optional.
    status: DeploymentStatus | None = None
    git_ref: str | None = None
    previous_git_ref: str | None = None
    type: str | None = None
    finished_at: AwareDatetime | None = None
    duration: float | None = None
    image_size: int | None = None
    stack_base_image: str | None = None
    pusher: User | None = None
    links: DeploymentLinks = DeploymentLinks()

    @property
    def is_finished(self) -> bool:
        return self.status is not None and self.status.is_finished

    @property
    def is_success(self) -> bool:
        return self.status is DeploymentStatus.SUCCESS


@attrs.frozen
class Source:
    """Where to upload an archive (`upload_url`) and the URL to deploy it from."""

    upload_url: str
    download_url: str


@attrs.frozen
class Container:
    """A process type's formation: `amount` containers of `size` running `name`."""

    name: str
    amount: int
    size: str | None = None
    id: str | None = None


@attrs.frozen
class OperationRef:
    """An operation started by a 202 answer: its id and the URL in `Location`.

    `operations.wait(app, ref)` and `operations.get(app, ref)` take it as it is.
    """

    id: str
    url: str


@attrs.frozen
class ScaleOperation(OperationRef):
    """A scale's operation, and the app's formation as the API answered it."""

    containers: list[Container] = attrs.Factory(list)


@attrs.frozen
class Operation:
    id: str
    status: OperationStatus
    type: str | None = None
    created_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    error: str | None = None


@attrs.frozen
class Event:
    """An entry of an app's timeline. `type_data` depends on `type`; new types keep appearing."""

    id: str
    type: str
    created_at: AwareDatetime | None = None
    app_id: str | None = None
    app_name: str | None = None
    user: User | None = None
    type_data: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class Pagination:
    """The `meta` of a paginated answer. Pages are numbered from 1."""

    current_page: int | None = None
    prev_page: int | None = None
    next_page: int | None = None
    total_pages: int | None = None
    total_count: int | None = None


@attrs.frozen
class Page(Generic[T]):
    """One page of a paginated list. `pagination` is None when the answer carried no meta."""

    items: list[T]
    pagination: Pagination | None = None

    @property
    def has_next(self) -> bool:
        return self.pagination is not None and self.pagination.next_page is not None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# The live deployment stream's events. The four known frame types each have a class; a frame
# of a type this SDK does not know yet arrives as a DeploymentStreamEvent, not dropped.


@attrs.frozen
class DeploymentNewEvent:
    """A deployment started. `deployment` is set when the frame carried the whole object."""

    deployment_id: str
    deployment: Deployment | None = None


@attrs.frozen
class DeploymentLogEvent:
    """One line of a deployment's build log."""

    deployment_id: str
    content: str


@attrs.frozen
class DeploymentStatusEvent:
    deployment_id: str
    status: DeploymentStatus


@attrs.frozen
class PingEvent:
    """The server's keep-alive; `ts` is its Unix time."""

    ts: float | None = None


@attrs.frozen
class DeploymentStreamEvent:
    """A frame of a type this SDK does not know, as sent."""

    type: str
    data: Any = None
    deployment_id: str | None = None


StreamEvent = (
    DeploymentNewEvent
    | DeploymentLogEvent
    | DeploymentStatusEvent
    | PingEvent
    | DeploymentStreamEvent
)

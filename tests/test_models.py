"""Every example object of the spec documents decodes; odd server data gives our errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

import orjson
import pytest

from scalingo_async import (
    DecodeError,
    Deployment,
    DeploymentStatus,
    Event,
    EventCategory,
    EventType,
    Operation,
    OperationStatus,
)
from scalingo_async._converter import loads, structure, structure_list
from scalingo_async._decode import _decoder, _fast, decode, decode_list, decode_page

T = TypeVar("T")

# deployments.md, "Example object"
DEPLOYMENT = b"""{
  "app_id": "54100930736f7563d5030000",
  "created_at": "2014-09-10T10:49:42.390+02:00",
  "status": "success",
  "git_ref": "abcdef1234567890",
  "id": "123e4567-e89b-12d3-a456-426655440000",
  "image_size": 104857600,
  "stack_base_image": "scalingo/ubuntu-20:v4",
  "pusher": {"email": "user@example.com", "id": "54100245736f7563d5000000", "username": "john"},
  "links": {
    "output": "https://$SCALINGO_API_URL/v1/deployments/123e4567-e89b-12d3-a456-426655440000/output"
  }
}"""

# deployments.md, "Get a particular deployment": note it has no status and no links.
DEPLOYMENT_GET = b"""{"deployment": {
  "app_id": "54100930736f7563d5030000", "created_at": "2014-09-10T10:49:42.390+02:00",
  "git_ref": "abcdef1234567890", "id": "123e4567-e89b-12d3-a456-426655440000",
  "image_size": 104857600, "stack_base_image": "scalingo/ubuntu-20:v4",
  "pusher": {"email": "user@example.com", "id": "54100245736f7563d5000000", "username": "john"}
}}"""

# deployments.md, "Trigger manually a deployment from an archive"
DEPLOYMENT_CREATED = b"""{"deployment": {
  "id":"5e34a76a-24b7-4d50-be96-942ca986a786", "created_at":"2016-12-16T16:33:58.250+01:00",
  "app_id":"529ba36e65d972e883203922", "finished_at":null, "status":"building",
  "git_ref":"v0.0.2", "previous_git_ref":"v0.0.1", "type": "archive", "duration":0,
  "image_size": 104857600, "stack_base_image": "scalingo/ubuntu-20-4",
  "pusher": {"username":"user", "email":"user@example.com", "id":"51161e5ef1e42617000001"},
  "links": {"output": "https://$SCALINGO_API_URL/v1/apps/529ba36e65d972e883203922/deployments/5e34a76a-24b7-4d50-be96-942ca986a786/output"}
}}"""

# operations.md, both example objects
OPERATIONS = [
    b"""{"id": "54100930736f7563d5030000", "created_at": "2014-09-10T10:17:52.690+02:00",
    "finished_at": "2014-09-10T10:17:59.120+02:00", "status": "pending", "type": "restart"}""",
    b"""{"id": "54100930736f7563d5030000", "created_at": "2014-09-10T10:17:52.690+02:00",
    "finished_at": "2014-09-10T10:17:59.120+02:00", "status": "error", "type": "restart",
    "error": "container web-1 failed to restart"}""",
]

# event-types.md, "Example object", with its "display_named" typo
EVENT_TYPE = b"""{"id": "5982f139d48c360021b1eb4b", "category_id": "5982f139d48c360021b1eb44",
  "name": "app_deployed", "display_named": "App Deployed", "description": "The app was deployed"}"""

# event-categories.md, "Example object" (tabs included)
EVENT_CATEGORY = b"""{"id": "5982f139d48c360021b1eb44", "name":\t"app_operations",
  "display_name": "App operations", "position":\t1}"""

# global-information.md, changelog of 11th August 2015: the scale event, new format
EVENT = b"""{"id": "54dcdd4a73636100011a0000", "created_at" : "2015-02-12T18:05:14.226+01:00",
  "user" : {"username" : "johndoe", "email" : "[email protected]",
            "id" : "51e6bc626edfe40bbb000001"},
  "app_id" : "5343eccd646173000a140000", "type" : "scale",
  "type_data" : {"previous_containers" : {"web" : 1, "worker" : 0},
                 "containers" : {"web" : 2, "worker" : 1}}}"""


def both(body: bytes, key: str, cls: type[T]) -> T:
    """Decode a body through the fast path and the reference path, which must agree."""
    fast = decode(body, key, cls)
    assert fast == structure(loads(body), key, cls)
    return fast


def rooted(key: str, body: bytes) -> bytes:
    return b'{"%s": %s}' % (key.encode(), body)


def test_deployment_example_object() -> None:
    dep = both(rooted("deployment", DEPLOYMENT), "deployment", Deployment)
    assert dep.status is DeploymentStatus.SUCCESS
    assert dep.is_success
    assert dep.is_finished
    assert dep.created_at == datetime(2014, 9, 10, 10, 49, 42, 390000,
                                      tzinfo=timezone(timedelta(hours=2)))  # fmt: skip
    assert dep.pusher is not None
    assert dep.pusher.username == "john"
    assert dep.links.output is not None
    assert dep.links.output.endswith("/output")
    assert dep.image_size == 104857600


def test_deployment_get_example_without_status() -> None:
    dep = both(DEPLOYMENT_GET, "deployment", Deployment)
    assert dep.status is None
    assert not dep.is_finished
    assert dep.links.output is None


def test_deployment_created_example_with_null_finished_at() -> None:
    dep = both(DEPLOYMENT_CREATED, "deployment", Deployment)
    assert dep.status is DeploymentStatus.BUILDING
    assert dep.status.is_running
    assert dep.finished_at is None
    assert dep.type == "archive"
    assert dep.duration == 0
    assert dep.previous_git_ref == "v0.0.1"


def test_operation_examples() -> None:
    pending, failed = (both(rooted("operation", b), "operation", Operation) for b in OPERATIONS)
    assert pending.status is OperationStatus.PENDING
    assert not pending.status.is_finished
    assert failed.status.is_error
    assert failed.status.is_finished
    assert failed.error == "container web-1 failed to restart"


def test_event_type_example_with_display_named_typo() -> None:
    event_type = both(rooted("event_type", EVENT_TYPE), "event_type", EventType)
    assert event_type.display_name == "App Deployed"


def test_event_category_example() -> None:
    category = both(rooted("c", EVENT_CATEGORY), "c", EventCategory)
    assert category == EventCategory("5982f139d48c360021b1eb44", "app_operations",
                                     "App operations", 1)  # fmt: skip


def test_event_example_keeps_type_data() -> None:
    event = both(rooted("event", EVENT), "event", Event)
    assert event.type == "scale"
    assert event.app_name is None
    assert event.type_data["containers"] == {"web": 2, "worker": 1}
    assert event.user is not None
    assert event.user.username == "johndoe"


def test_dates_are_aware_even_when_sent_without_offset() -> None:
    body = orjson.dumps({"operation": {"id": "1", "status": "done",
        "created_at": "2024-01-01T10:00:00Z", "finished_at": "2024-01-01T10:00:05"}})  # fmt: skip
    op = both(body, "operation", Operation)
    assert op.created_at == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert op.finished_at is not None
    assert op.finished_at.tzinfo is not None


def test_unknown_fields_are_ignored_and_unknown_statuses_kept() -> None:
    body = b'{"deployment": {"id": "d1", "status": "warming-up", "brand_new": [1, 2]}}'
    dep = both(body, "deployment", Deployment)
    assert dep.status == "warming-up"
    assert not dep.status.is_known
    assert str(dep.status) == "warming-up"
    # API-NOTES.md: "every other status is final; final and not success is a failure"
    assert dep.status.is_finished
    assert dep.status.is_error
    op = both(b'{"operation": {"id": "o", "status": "queued-later"}}', "operation", Operation)
    assert op.status == "queued-later"
    assert not op.status.is_finished


@pytest.mark.parametrize("status", ["hook-error", "crashed-error", "timeout-error",
                                    "build-error", "aborted"])  # fmt: skip
def test_every_failure_status_is_final_and_an_error(status: str) -> None:
    assert DeploymentStatus(status).is_known
    assert DeploymentStatus(status).is_error


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"deployment": {"status": "success"}}, "missing field 'id'"),
        ({"deployment": {"id": ["d1"]}}, "expected a string"),
        ({"deployment": {"id": "d", "image_size": "big"}}, "expected an integer"),
        ({"deployment": {"id": "d", "created_at": "yesterday"}}, "Invalid isoformat"),
        ({"deployment": "d1"}, "could not read 'deployment'"),
        ({"deployments": []}, "expected key 'deployment'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_wrong_shapes_raise_decode_errors(data: object, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason) as reference:
        structure(data, "deployment", Deployment)
    with pytest.raises(DecodeError) as fast:
        decode(orjson.dumps(data), "deployment", Deployment)
    assert str(fast.value) == str(reference.value)


def test_wrong_list_shapes() -> None:
    with pytest.raises(DecodeError, match="to be a list"):
        structure_list({"event_types": {"a": 1}}, "event_types", EventType)
    with pytest.raises(DecodeError, match="an item of 'event_types'"):
        structure_list({"event_types": [{"id": "x", "name": 3}]}, "event_types", EventType)
    with pytest.raises(DecodeError, match=r"an item of 'deployments'.*expected a string"):
        decode_list(b'{"deployments": [{"id": "1"}, {"id": 2}]}', "deployments", Deployment)
    with pytest.raises(DecodeError, match="'deployments' to be a list"):
        decode_page(b'{"deployments": {}, "meta": {}}', "deployments", Deployment)


@pytest.mark.parametrize("body", [b"", b"  ", b"<html>oops</html>", b'{"deployment": {"id"'])
def test_non_json_bodies(body: bytes) -> None:
    with pytest.raises(DecodeError, match="expected JSON") as info:
        loads(body)
    assert info.value.excerpt == body.decode()[:200]


def test_models_are_frozen_and_hashable() -> None:
    dep = both(DEPLOYMENT_GET, "deployment", Deployment)
    assert hash(dep.pusher) == hash(dep.pusher)
    with pytest.raises(AttributeError):
        dep.id = "other"  # type: ignore[misc]
    assert orjson.loads(orjson.dumps({"id": dep.id}))["id"] == dep.id


def test_the_fast_path_reads_every_model_but_those_with_a_hook_of_their_own() -> None:
    for cls in (Deployment, Operation, Event, EventCategory):
        assert _decoder("x", cls, False) is not None
    # The converter reads EventType's "display_named" typo; msgspec would drop it silently.
    assert _decoder("event_types", list[EventType], False) is None


def test_the_spec_examples_take_the_fast_path() -> None:
    # A date format or a shape msgspec refused would still decode, only slower: catch that here.
    for key, cls, body in [
        ("deployment", Deployment, rooted("deployment", DEPLOYMENT)),
        ("deployment", Deployment, DEPLOYMENT_GET),
        ("deployment", Deployment, DEPLOYMENT_CREATED),
        ("operation", Operation, rooted("operation", OPERATIONS[1])),
        ("event", Event, rooted("event", EVENT)),
        ("c", EventCategory, rooted("c", EVENT_CATEGORY)),
    ]:
        assert _fast(body, key, cls) is not None, body


@pytest.mark.parametrize(
    "item",
    [
        b'{"id": "1", "links": null}',  # a default applies
        b'{"id": "1", "created_at": "2024-01-01T10:00:00"}',  # read as UTC
        b'{"id": "1", "created_at": "2024-01-01T10:00:00+0100"}',  # an offset without colon
        b'{"id": "1", "created_at": "2024-01-01T10:00:00.1234567+01:00"}',  # Go's nanoseconds
        b'{"id": "1", "created_at": "2024-01-01t10:00:00.9999996z"}',
        b'{"id": "1", "duration": 3}',
        b'{"id": "1", "status": "warming-up"}',
    ],
)
def test_both_paths_read_alike(item: bytes) -> None:
    body = b'{"deployments": [%s], "meta": {"pagination": {"next_page": 2}}}' % item
    items, meta = decode_page(body, "deployments", Deployment)
    assert items == structure_list(loads(body), "deployments", Deployment)
    assert meta == {"pagination": {"next_page": 2}}
    assert items == decode_list(body, "deployments", Deployment)
    assert all(d.created_at is None or d.created_at.tzinfo is not None for d in items)

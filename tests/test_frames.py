"""Deployment stream frames to typed events, without any I/O."""

from __future__ import annotations

import pytest

from scalingo_async import (
    DecodeError,
    DeploymentLogEvent,
    DeploymentNewEvent,
    DeploymentStatus,
    DeploymentStatusEvent,
    DeploymentStreamEvent,
    PingEvent,
)
from scalingo_async._protocol import parse_frame

DEP = "123e4567-e89b-12d3-a456-426655440000"


def test_the_documented_frames() -> None:
    # deployments.md, "Events example"
    new = '{"type": "new", "data": {"deployment": "123e4567-e89b-12d3-a456-426655440000"}}'
    log = ('{"type": "log", "id": "123e4567-e89b-12d3-a456-426655440000",'
           ' "data": {"content": "Bundle completed (2.64s)"}}')  # fmt: skip
    status = ('{"type": "status", "id": "123e4567-e89b-12d3-a456-426655440000",'
              ' "data": {"status": "success"}}')  # fmt: skip
    ping = '{"type": "ping", "data": {"ts": 1465288802}}'
    assert parse_frame(new) == DeploymentNewEvent(DEP)
    assert parse_frame(log) == DeploymentLogEvent(DEP, "Bundle completed (2.64s)")
    assert parse_frame(status) == DeploymentStatusEvent(DEP, DeploymentStatus.SUCCESS)
    assert parse_frame(ping) == PingEvent(1465288802.0)


def test_new_frame_with_a_whole_deployment() -> None:
    # API-NOTES.md: "the CLI decodes it as a whole deployment object: accept both"
    frame = b'{"type": "new", "data": {"deployment": {"id": "d1", "status": "queued"}}}'
    event = parse_frame(frame)
    assert isinstance(event, DeploymentNewEvent)
    assert event.deployment_id == "d1"
    assert event.deployment is not None
    assert event.deployment.status is DeploymentStatus.QUEUED


def test_matching_on_events() -> None:
    seen = []
    for raw in ['{"type":"log","id":"d","data":{"content":"x"}}',
                '{"type":"status","id":"d","data":{"status":"hook-error"}}']:  # fmt: skip
        match parse_frame(raw):
            case DeploymentLogEvent(deployment_id="d", content=content):
                seen.append(content)
            case DeploymentStatusEvent(status=status) if status.is_error:
                seen.append(f"failed: {status}")
    assert seen == ["x", "failed: hook-error"]


def test_unknown_types_and_statuses_are_kept() -> None:
    event = parse_frame('{"type": "progress", "id": "d", "data": {"percent": 40}}')
    assert event == DeploymentStreamEvent("progress", {"percent": 40}, "d")
    status = parse_frame('{"type": "status", "id": "d", "data": {"status": "cooling"}}')
    assert isinstance(status, DeploymentStatusEvent)
    assert status.status == "cooling"
    assert parse_frame('{"type": "ping"}') == PingEvent(None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json at all", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ("[1, 2]", "string 'type'"),
        ('{"data": {}}', "string 'type'"),
        ('{"type": "log", "data": {"content": "x"}}', "needs 'id'"),
        ('{"type": "log", "id": "d", "data": {"content": 5}}', "needs 'id'"),
        ('{"type": "status", "id": "d", "data": {}}', "needs 'id' and 'data.status'"),
        ('{"type": "new", "data": {}}', "needs 'data.deployment'"),
        ('{"type": "new", "data": {"deployment": {"status": "x"}}}', "unreadable deployment"),
    ],
)
def test_malformed_frames(raw: str | bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason) as info:
        parse_frame(raw)
    assert info.value.excerpt

"""Events, event types and event categories, and apps."""

from __future__ import annotations

import pytest

from scalingo_async import App, Client, Event, EventCategory, EventType, NotFoundError
from scalingo_async.testing import FakeScalingo


async def test_event_types_and_categories(scalingo_client: Client) -> None:
    types = await scalingo_client.event_types.list()
    categories = await scalingo_client.event_categories.list()
    assert all(isinstance(t, EventType) for t in types)
    assert all(isinstance(c, EventCategory) for c in categories)
    assert [c.name for c in categories] == ["app_operations", "addons"]
    by_category = {c.id: [t.name for t in types if t.category_id == c.id] for c in categories}
    assert by_category["5982f139d48c360021b1eb44"] == ["app_deployed", "app_restarted"]


async def test_event_types_with_the_documented_typo(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.event_types = [{"id": "5982f139d48c360021b1eb4b", "name": "app_deployed",
                                  "display_named": "App Deployed", "new_field": True}]  # fmt: skip
    (event_type,) = await scalingo_client.event_types.list()
    assert event_type.display_name == "App Deployed"


async def test_app_events_and_user_events(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    for i in range(25):
        fake_scalingo.add_event("app-a", "scale", {"containers": {"web": i}})
    for _ in range(7):
        fake_scalingo.add_event("app-b", "restart", {"scope": ["web"]})
    app_events = [e async for e in scalingo_client.events.list("app-a")]
    assert len(app_events) == 25
    assert all(isinstance(e, Event) for e in app_events)
    assert app_events[0].type_data == {"containers": {"web": 24}}  # newest first
    assert len(fake_scalingo.requests_to("GET", "/v1/apps/app-a/events")) == 2
    user_events = [e async for e in scalingo_client.events.list(per_page=10)]
    assert len(user_events) == 32
    assert {e.app_name for e in user_events} == {"app-a", "app-b"}
    page = await scalingo_client.events.page("app-b", page=1, per_page=5)
    assert page.pagination is not None
    assert page.pagination.total_count == 7
    with pytest.raises(NotFoundError):
        [e async for e in scalingo_client.events.list("ghost")]
    with pytest.raises(ValueError, match="app"):
        [e async for e in scalingo_client.events.list("../events")]


async def test_apps(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    fake_scalingo.add_app("my-app")
    app = await scalingo_client.apps.get("my-app")
    assert isinstance(app, App)
    assert app.name == "my-app"
    assert app.links.deployments_stream is not None
    assert [a.name for a in await scalingo_client.apps.list()] == ["my-app"]
    with pytest.raises(NotFoundError, match="app not found"):
        await scalingo_client.apps.get("ghost")

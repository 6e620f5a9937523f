"""Deployments over loopback: pages, lazy listing, get, create, output, cache reset."""

from __future__ import annotations

import orjson
import pytest

from scalingo_async import (
    Client,
    DecodeError,
    Deployment,
    DeploymentStatus,
    NotFoundError,
    Page,
    ServerError,
    ValidationError,
)
from scalingo_async.testing import FakeScalingo


def seed(fake: FakeScalingo, app: str, count: int) -> list[str]:
    ids = [fake.add_deployment(app, git_ref=f"ref-{i}")["id"] for i in range(count)]
    return ids[::-1]  # the API lists newest first


async def test_page_nested_meta(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    ids = seed(fake_scalingo, "my-app", 45)
    page = await scalingo_client.deployments.page("my-app", page=2, per_page=20)
    assert isinstance(page, Page)
    assert len(page) == 20
    assert [d.id for d in page] == ids[20:40]
    assert page.pagination is not None
    assert (page.pagination.current_page, page.pagination.prev_page) == (2, 1)
    assert (page.pagination.next_page, page.pagination.total_pages) == (3, 3)
    assert page.pagination.total_count == 45
    assert page.has_next
    query = fake_scalingo.requests_to("GET", "/v1/apps/my-app/deployments")[0].query
    assert query == {"page": "2", "per_page": "20"}


@pytest.mark.parametrize("style", ["nested", "flat"])
async def test_list_walks_every_page_lazily(style: str) -> None:
    async with FakeScalingo(pagination=style) as fake, fake.client() as client:  # type: ignore[arg-type]
        ids = seed(fake, "big-app", 500)
        seen: list[str] = []
        async for deployment in client.deployments.list("big-app", per_page=10):
            seen.append(deployment.id)
            # Lazy: the page holding the item just yielded is the last one fetched.
            assert (
                len(fake.requests_to("GET", "/v1/apps/big-app/deployments"))
                == (len(seen) - 1) // 10 + 1
            )
        assert seen == ids
        assert len(fake.requests_to("GET", "/v1/apps/big-app/deployments")) == 50


async def test_list_stops_early_without_more_requests(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    seed(fake_scalingo, "my-app", 30)
    async for _ in scalingo_client.deployments.list("my-app", per_page=5):
        break
    assert len(fake_scalingo.requests_to("GET", "/v1/apps/my-app/deployments")) == 1


async def test_list_stops_on_missing_meta() -> None:
    async with FakeScalingo(pagination="none") as fake, fake.client() as client:
        seed(fake, "my-app", 30)
        items = [d async for d in client.deployments.list("my-app", per_page=10)]
        assert len(items) == 10
        page = await client.deployments.page("my-app")
        assert page.pagination is None
        assert not page.has_next


async def test_list_refuses_a_backwards_next_page(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("loop")
    backwards = {"deployments": [], "meta": {"next_page": 1, "current_page": 1}}
    fake_scalingo.fail_next("GET", "/v1/apps/loop/deployments", 200, backwards)
    with pytest.raises(DecodeError, match="pagination went from page 1 to page 1"):
        [d async for d in scalingo_client.deployments.list("loop")]


async def test_bad_page_arguments(scalingo_client: Client) -> None:
    with pytest.raises(ValueError, match="page"):
        await scalingo_client.deployments.page("my-app", page=0)
    with pytest.raises(ValueError, match="per_page"):
        [d async for d in scalingo_client.deployments.list("my-app", per_page=0)]


async def test_get(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    created = fake_scalingo.add_deployment("my-app", status="build-error")
    deployment = await scalingo_client.deployments.get("my-app", created["id"])
    assert isinstance(deployment, Deployment)
    assert deployment.status is DeploymentStatus.BUILD_ERROR
    assert deployment.status.is_error
    assert deployment.created_at is not None
    assert deployment.created_at.tzinfo is not None


async def test_get_missing_deployment_and_app(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    with pytest.raises(NotFoundError) as info:
        await scalingo_client.deployments.get("my-app", "nope")
    assert info.value.resource == "deployment"
    assert "deployment not found" in str(info.value)
    with pytest.raises(NotFoundError) as info:
        await scalingo_client.deployments.get("ghost-app", "nope")
    assert info.value.resource == "app"


async def test_create_sends_the_documented_body(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_deployment("my-app", git_ref="v1")
    url = "https://github.com/Scalingo/sample-go-martini/archive/master.tar.gz"
    deployment = await scalingo_client.deployments.create("my-app", source_url=url, git_ref="v2")
    assert deployment.git_ref == "v2"
    assert deployment.previous_git_ref == "v1"
    assert deployment.status is DeploymentStatus.QUEUED
    assert deployment.type == "archive"
    sent = fake_scalingo.requests_to("POST", "/v1/apps/my-app/deployments")
    assert len(sent) == 1
    assert sent[0].headers["Content-Type"] == "application/json"
    assert orjson.loads(sent[0].body) == {"deployment": {"source_url": url, "git_ref": "v2"}}


async def test_create_accepts_200_as_documented(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    # deployments.md documents "Returns 200 OK"; the official clients expect 201.
    fake_scalingo.fail_next("POST", "/v1/apps/my-app/deployments", 200,
                            {"deployment": {"id": "d-200", "status": "building"}})  # fmt: skip
    deployment = await scalingo_client.deployments.create("my-app", source_url="https://x/a.tgz")
    assert deployment.id == "d-200"


async def test_create_validation_error(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    with pytest.raises(ValidationError) as info:
        await scalingo_client.deployments.create("my-app", source_url="")
    assert info.value.errors == {"source_url": ["can't be blank"]}


async def test_create_is_never_retried_after_a_5xx(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.fail_next("POST", "/v1/apps/my-app/deployments", 503, {"error": "down"})
    with pytest.raises(ServerError):
        await scalingo_client.deployments.create("my-app", source_url="https://x/a.tgz")
    assert len(fake_scalingo.requests_to("POST", "/v1/apps/my-app/deployments")) == 1


async def test_output_is_plain_text(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    log = "-----> Buildpack version 1.2.0\n-----> Compiling Ruby/Rails\n       Using json 1.8.2 ✓\n"
    created = fake_scalingo.add_deployment("my-app", output=log)
    assert await scalingo_client.deployments.output("my-app", created["id"]) == log


async def test_reset_cache(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    fake_scalingo.add_app("my-app")
    assert await scalingo_client.deployments.reset_cache("my-app") is None
    assert fake_scalingo.cache_resets["my-app"] == 1
    with pytest.raises(NotFoundError):
        await scalingo_client.deployments.reset_cache("other-app")


async def test_names_are_quoted_and_traversal_refused(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    for bad in ["..", "a/b", "", "../../v1/events"]:
        with pytest.raises(ValueError, match="app"):
            await scalingo_client.deployments.get(bad, "x")
        with pytest.raises(ValueError, match="deployment_id"):
            await scalingo_client.deployments.output("my-app", bad)
    with pytest.raises(NotFoundError):
        await scalingo_client.deployments.get("my app?x=1", "id#1")
    assert fake_scalingo.requests[-1].path == "/v1/apps/my app?x=1/deployments/id#1"
    assert all(r.path.startswith("/v1/apps/my app") for r in fake_scalingo.requests
               if r.service == "api")  # fmt: skip

"""The demo: the whole SDK at work against an embedded FakeScalingo, no account, no network.

Run it with `python -m scalingo_async demo` (`--fast` skips the pacing). Apart from starting
the fake server, everything here is the public API, as you would write it against the real one.
"""

from __future__ import annotations

import asyncio
import sys
import time
from importlib.resources import as_file, files
from typing import TextIO

from . import (
    Client,
    DeploymentStatus,
    NotFoundError,
    ScalingoError,
    ValidationError,
)
from .testing import FakeScalingo
from .testing.sample import seed

__all__ = ["run"]


class Story:
    """Prints the demo's steps, in colour on a terminal, at a human pace unless fast."""

    def __init__(self, out: TextIO, fast: bool) -> None:
        self.out = out
        self.fast = fast
        self.colour = out.isatty()
        self.steps = 0

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    async def step(self, title: str) -> None:
        self.steps += 1
        self.say(self._paint(f"\n{self.steps}. {title}", "1;36"))
        await self.pause(0.6)

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def good(self, text: str) -> None:
        self.say(self._paint(text, "32"))

    def bad(self, text: str) -> None:
        self.say(self._paint(text, "31"))

    async def pause(self, seconds: float) -> None:
        if not self.fast:
            await asyncio.sleep(seconds)


async def tour(client: Client, story: Story) -> None:
    await story.step("Exchange the API token for a bearer token")
    await client.event_types.list()  # the first call exchanges the token, once
    story.good("exchanged: every call now sends a bearer token, renewed before it expires")

    await story.step("Event categories and their event types")
    categories = await client.event_categories.list()
    types = await client.event_types.list()
    for category in sorted(categories, key=lambda c: c.position or 0):
        names = [t.display_name or t.name for t in types if t.category_id == category.id]
        story.say(f"  {category.display_name}: {', '.join(names)}")

    await story.step("Deploy the sample app folder and stream its build live")

    def on_status(status: DeploymentStatus) -> None:
        paint = story.good if status.is_success else story.bad if status.is_error else story.say
        paint(f"  ==> {status}")

    with as_file(files("scalingo_async") / "sample_app") as folder:
        deployment = await client.deployments.deploy(
            "sample-app",
            folder,
            git_ref="v2.0.0",
            follow=lambda line: story.say(f"  {line}"),
            on_status=on_status,
        )
    story.good(f"deployment {deployment.id} ended with {deployment.status}")

    await story.step("The app's deployments, page by page")
    number = 1
    while True:
        page = await client.deployments.page("sample-app", page=number, per_page=5)
        story.say(f"  page {number}: " + ", ".join(f"{d.git_ref} {d.status}" for d in page))
        if not page.has_next or number == 2:
            break
        number += 1
    total = page.pagination.total_count if page.pagination else len(page)
    story.say(f"  ... {total} deployments in all")

    await story.step("One deployment's output")
    async for deployment in client.deployments.list("sample-app"):
        if deployment.status is not None and deployment.status.is_error:
            story.say(f"  the last failed one, {deployment.git_ref}:")
            for line in (await client.deployments.output("sample-app", deployment.id)).splitlines():
                story.say(f"  {line}")
            break

    await story.step("Scale the app, and wait for the operation")
    operation = await client.apps.scale("sample-app", [{"name": "web", "amount": 2, "size": "M"}])
    done = await client.operations.wait(
        "sample-app",
        operation,
        interval=0.01 if story.fast else 0.3,
        on_update=lambda op: story.say(f"  operation {op.id}: {op.status}"),
    )
    story.good(f"scaled: web x2, operation {done.status}")

    await story.step("Errors are typed and say what happened")
    try:
        await client.apps.get("no-such-app")
    except NotFoundError as error:
        story.say(f"  404 NotFoundError: resource={error.resource!r}, message={error.message!r}")
    try:
        await client.deployments.create("sample-app", source_url="")
    except ValidationError as error:
        story.say(f"  422 ValidationError: errors={error.errors}")


async def _main(story: Story) -> int:
    started = time.monotonic()
    async with FakeScalingo(pace=0.0 if story.fast else 0.12) as fake:
        seed(fake)
        story.say(f"FakeScalingo is up: API at {fake.api_url}, auth at {fake.auth_url}")
        async with fake.client() as client:
            try:
                await tour(client, story)
            except ScalingoError as error:
                story.bad(f"\nthe demo failed: {error}")
                return 1
        calls = len([r for r in fake.requests if r.service == "api"])
        story.say()
        story.good(
            f"Done in {time.monotonic() - started:.1f}s: {story.steps} steps, {calls} API calls,"
            f" {fake.exchanges} token exchange, {fake.live.connections} live stream."
        )
    return 0


def run(fast: bool = False, out: TextIO | None = None) -> int:
    """Run the demo; return 0 when every step worked, 1 otherwise."""
    return asyncio.run(_main(Story(out or sys.stdout, fast)))

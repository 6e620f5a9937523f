"""A tour of scalingo_async against FakeScalingo, or the real API with --real.

Run `python examples/quickstart.py` for the embedded fake (no account, no network), or
`python examples/quickstart.py --real APP` with SCALINGO_API_TOKEN (and SCALINGO_REGION) set.
"""

from __future__ import annotations

import asyncio
import sys

from scalingo_async import Client, NotFoundError
from scalingo_async.testing import FakeScalingo


async def tour(client: Client, app: str) -> None:
    categories = await client.event_categories.list()
    types = await client.event_types.list()
    for category in sorted(categories, key=lambda c: c.position or 0):
        names = [t.display_name or t.name for t in types if t.category_id == category.id]
        print(f"{category.display_name}: {', '.join(names)}")

    found = await client.apps.get(app)
    print(f"\napp {found.name}, live log at {found.links.deployments_stream}")

    print("\nlatest deployments:")
    shown = 0
    async for deployment in client.deployments.list(app, per_page=5):
        when = deployment.created_at.strftime("%Y-%m-%d %H:%M") if deployment.created_at else "?"
        print(f"  {when}  {deployment.status or '?':<14} {deployment.git_ref}")
        shown += 1
        if shown == 8:
            break

    page = await client.deployments.page(app, per_page=1)
    if page.items:
        output = await client.deployments.output(app, page.items[0].id)
        print(f"\nlast build log:\n{output}")

    try:
        await client.apps.get("no-such-app")
    except NotFoundError as error:
        print(f"a missing app raises NotFoundError: {error.message}")


async def main() -> int:
    if "--real" in sys.argv:
        app = sys.argv[sys.argv.index("--real") + 1]
        async with Client.from_env() as client:
            await tour(client, app)
        return 0
    async with FakeScalingo() as fake:
        for i in range(12):
            fake.add_deployment("sample-app", git_ref=f"v1.{i}",
                                status="build-error" if i == 4 else "success",
                                output=f"-----> Building v1.{i}\n-----> Done\n")  # fmt: skip
        async with fake.client() as client:
            await tour(client, "sample-app")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

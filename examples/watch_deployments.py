"""A bot that watches the deployments of many apps at once and reports every status change.

One live stream per app (the API allows 60 requests a minute: watching beats polling).

    python examples/watch_deployments.py APP [APP ...]     # SCALINGO_API_TOKEN set; Ctrl-C stops
    python examples/watch_deployments.py --fake            # 20 apps on an embedded FakeScalingo
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from scalingo_async import Client, DeploymentNewEvent, DeploymentStatusEvent, ScalingoError


async def watch(client: Client, apps: list[str], stop_after: int | None = None) -> int:
    """Print each status change of each app's deployments; return after `stop_after` ended."""
    ended = 0
    enough = asyncio.Event()

    async def watch_one(app: str) -> None:
        nonlocal ended
        async with client.deployments.stream(app) as stream:
            async for event in stream:
                match event:
                    case DeploymentNewEvent(deployment_id=dep_id):
                        print(f"{datetime.now():%H:%M:%S}  {app:<12} {dep_id[:8]}  started")
                    case DeploymentStatusEvent(deployment_id=dep_id, status=status):
                        mark = "✗" if status.is_error else "✓" if status.is_success else " "
                        print(f"{datetime.now():%H:%M:%S}  {app:<12} {dep_id[:8]}  {mark} {status}")
                        if status.is_finished:
                            ended += 1
                            if stop_after is not None and ended >= stop_after:
                                enough.set()

    tasks = [asyncio.create_task(watch_one(app)) for app in apps]
    stopper = asyncio.create_task(enough.wait())
    try:
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done - {stopper}:
            task.result()  # a stream that failed for good: raise its error
    finally:
        for task in [*tasks, stopper]:
            task.cancel()
        await asyncio.gather(*tasks, stopper, return_exceptions=True)
    return ended


async def fake_run() -> int:
    from scalingo_async.testing import FakeScalingo

    async with FakeScalingo(pace=0.002) as fake:
        apps = [f"app-{i:02d}" for i in range(20)]
        for app in apps:
            fake.add_app(app)
        fake.plan_deployment("app-07", "build-error")
        fake.plan_deployment("app-13", "crashed-error")
        async with fake.client() as client:
            watcher = asyncio.create_task(watch(client, apps, stop_after=5))
            for app in ("app-02", "app-07", "app-11", "app-13", "app-19"):
                await fake.live.wait_for_streams(app)
                await client.deployments.create(app, source_url="https://example.com/a.tar.gz")
            ended = await watcher
    print(f"{ended} deployments ended")
    return 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="*")
    parser.add_argument("--fake", action="store_true", help="run against an embedded FakeScalingo")
    args = parser.parse_args()
    if args.fake:
        return await fake_run()
    if not args.apps:
        parser.error("name at least one app, or use --fake")
    try:
        async with Client.from_env() as client:
            await watch(client, args.apps)
    except ScalingoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""A service task: scale (or restart) an app, then wait for the operation to end.

python examples/scale_and_wait.py APP web=2:M [worker=1 ...]    # SCALINGO_API_TOKEN set
python examples/scale_and_wait.py APP --restart
python examples/scale_and_wait.py --fake [--fail]               # an embedded FakeScalingo
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from scalingo_async import Client, Container, OperationFailedError, OperationRef, ScalingoError


def parse(spec: str) -> Container:
    name, _, rest = spec.partition("=")
    amount, _, size = rest.partition(":")
    return Container(name, int(amount), size or None)


async def change(client: Client, app: str, containers: list[Container], restart: bool) -> int:
    try:
        ref: OperationRef
        if restart:
            ref = await client.apps.restart(app)
        else:
            ref = await client.apps.scale(app, containers)
        print(f"{'restart' if restart else 'scale'} of {app} started: {ref.url}")
        operation = await client.operations.wait(
            app, ref, timeout=600, interval=0.01 if app == "demo-app" else 2,
            on_update=lambda op: print(f"  {op.status}"),
        )  # fmt: skip
    except OperationFailedError as error:
        print(f"failed: {error.operation.error}", file=sys.stderr)
        return 1
    except ScalingoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"{operation.type} done at {operation.finished_at}")
    return 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?")
    parser.add_argument("containers", nargs="*", type=parse, metavar="TYPE=AMOUNT[:SIZE]")
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--fake", action="store_true", help="run against an embedded FakeScalingo")
    parser.add_argument("--fail", action="store_true", help="with --fake: make it fail")
    args = parser.parse_args()
    if not args.fake:
        if not args.app or not (args.containers or args.restart):
            parser.error("APP and TYPE=AMOUNT (or --restart) are needed, or --fake")
        async with Client.from_env() as client:
            return await change(client, args.app, args.containers, args.restart)

    from scalingo_async.testing import FakeScalingo

    async with FakeScalingo() as fake:
        fake.add_app("demo-app")
        if args.fail:
            fake.plan_operation("demo-app", "error", "not enough capacity for 2XL containers")
        async with fake.client() as client:
            containers = args.containers or [Container("web", 2, "M"), Container("worker", 1)]
            return await change(client, "demo-app", containers, args.restart)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""A CI step: deploy a folder, stream its build log, and fail the job when the deployment fails.

    python examples/ci_deploy.py APP PATH [--git-ref REF]      # SCALINGO_API_TOKEN set
    python examples/ci_deploy.py --fake [--fail]              # against an embedded FakeScalingo

Exit codes: 0 deployed, 1 the deployment failed, 3 an API or network error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scalingo_async import Client, DeploymentFailedError, ScalingoError

SAMPLE_APP = Path(__file__).resolve().parent.parent / "scalingo_async" / "sample_app"


async def deploy(client: Client, app: str, path: str, git_ref: str | None) -> int:
    try:
        deployment = await client.deployments.deploy(
            app, path, git_ref=git_ref, follow=print, on_status=lambda s: print(f"==> {s}")
        )
    except DeploymentFailedError as error:
        print(f"::error::deployment of {app} failed with {error.deployment.status}",
              file=sys.stderr)  # fmt: skip
        return 1
    except ScalingoError as error:
        print(f"::error::{error}", file=sys.stderr)
        return 3
    print(f"deployed {app} at {deployment.git_ref} ({deployment.id})")
    return 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?")
    parser.add_argument("path", nargs="?")
    parser.add_argument("--git-ref")
    parser.add_argument("--fake", action="store_true", help="run against an embedded FakeScalingo")
    parser.add_argument("--fail", action="store_true", help="with --fake: make the build fail")
    args = parser.parse_args()
    if not args.fake:
        if not args.app or not args.path:
            parser.error("APP and PATH are needed (or --fake)")
        async with Client.from_env() as client:
            return await deploy(client, args.app, args.path, args.git_ref)

    from scalingo_async.testing import FakeScalingo

    async with FakeScalingo(pace=0.001) as fake:
        fake.add_app("my-app")
        if args.fail:
            fake.plan_deployment("my-app", "build-error")
        async with fake.client() as client:
            folder = args.path or str(SAMPLE_APP)
            return await deploy(client, "my-app", folder, args.git_ref or "ci-build")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Sample data for FakeScalingo: what `--fake`, the demo and the examples run against.

The ids are fixed so that a command line can name them: `deployments show sample-app dep-0012`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .fake import FakeScalingo

APPS = ("sample-app", "broken-app", "api-gateway", "new-app")  # new-app: nothing yet


def _when(hours_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(timespec="milliseconds")


def seed(fake: FakeScalingo) -> None:
    """Three apps with a history of deployments, events and operations."""
    for name in APPS:
        fake.add_app(name)
    for i in range(1, 13):
        failed = i in (4, 9)
        fake.add_deployment(
            "sample-app",
            id=f"dep-{i:04d}",
            status="build-error" if failed else "success",
            git_ref=f"v1.{i}.0",
            created_at=_when(48 - 4 * i),
            output="".join(f"-----> step {n} of build v1.{i}.0\n" for n in range(1, 4))
            + ("!      Build failed: pip exited with status 1\n" if failed else ""),
        )
        fake.add_event("sample-app", "deployment", {"deployment_id": f"dep-{i:04d}"},
                       created_at=_when(48 - 4 * i))  # fmt: skip
    fake.add_deployment("broken-app", id="dep-broken", status="crashed-error",
                        output="!      The app crashed on boot\n", created_at=_when(5))  # fmt: skip
    fake.add_deployment("api-gateway", id="dep-gw-1", status="success", created_at=_when(30),
                        output="-----> Deployed\n")  # fmt: skip
    for _ in range(3):  # every deployment of broken-app fails
        fake.plan_deployment("broken-app", "build-error")
        fake.plan_operation("broken-app", "error", "container web-1 failed to start")
    fake.add_event("api-gateway", "scale", {"containers": {"web": 2}}, created_at=_when(20))
    fake.add_event("broken-app", "restart", {"scope": ["web"]}, created_at=_when(3))
    fake.add_operation("sample-app", id="op-done", type="restart")
    fake.add_operation("sample-app", id="op-failed", type="scale",
                       statuses=("pending", "running", "error"),
                       error="not enough capacity for 2XL containers")  # fmt: skip

"""The command line: `scalingo-async` or `python -m scalingo_async`.

Every command runs against the real API (SCALINGO_API_TOKEN, SCALINGO_REGION, SCALINGO_API_URL)
or, with --fake, against an embedded FakeScalingo seeded with sample data. Exit codes a CI job
can rely on: 0 success, 1 a failed deployment or operation, 2 bad usage, 3 an API or network
error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TextIO

import orjson

from ._converter import converter
from .client import Client
from .errors import (
    DeploymentFailedError,
    OperationFailedError,
    OperationTimeoutError,
    ScalingoError,
)
from .models import (
    Container,
    Deployment,
    DeploymentLogEvent,
    DeploymentStatusEvent,
    Operation,
    StreamEvent,
)

__all__ = ["main"]

OK, FAILED, USAGE, ERROR = 0, 1, 2, 3

Handler = Callable[[Client, argparse.Namespace, "Output"], Coroutine[Any, Any, int]]


class Output:
    """Human tables and text by default; with --json, one JSON document or JSON lines."""

    def __init__(self, as_json: bool, out: TextIO, err: TextIO) -> None:
        self.as_json = as_json
        self.out = out
        self.err = err

    def json(self, value: Any) -> None:
        data = converter.unstructure(value)
        self.out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")

    def json_line(self, value: Any) -> None:
        self.out.write(orjson.dumps(converter.unstructure(value)).decode() + "\n")
        self.out.flush()

    def text(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        cells = [[_cell(v) for v in row] for row in rows]
        widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
        for row in [list(headers), *cells]:
            self.text("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())

    def fields(self, pairs: Sequence[tuple[str, Any]]) -> None:
        width = max(len(k) for k, _ in pairs)
        for key, value in pairs:
            self.text(f"{key.ljust(width)}  {_cell(value)}")

    def progress(self, message: str) -> None:
        """A status line on stderr, rewritten in place, only when stderr is a terminal."""
        if self.err.isatty():
            self.err.write(f"\r\033[K{message}")
            self.err.flush()

    def end_progress(self) -> None:
        if self.err.isatty():
            self.err.write("\r\033[K")
            self.err.flush()


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")  # local time
    return str(value)


# commands


async def event_types(client: Client, args: argparse.Namespace, out: Output) -> int:
    types = await client.event_types.list()
    if out.as_json:
        out.json(types)
    else:
        out.table(["NAME", "DISPLAY NAME", "CATEGORY ID"],
                  [(t.name, t.display_name, t.category_id) for t in types])  # fmt: skip
    return OK


async def event_categories(client: Client, args: argparse.Namespace, out: Output) -> int:
    categories = sorted(await client.event_categories.list(), key=lambda c: c.position or 0)
    if out.as_json:
        out.json(categories)
    else:
        out.table(["POSITION", "NAME", "DISPLAY NAME"],
                  [(c.position, c.name, c.display_name) for c in categories])  # fmt: skip
    return OK


async def apps_show(client: Client, args: argparse.Namespace, out: Output) -> int:
    app = await client.apps.get(args.app)
    if out.as_json:
        out.json(app)
    else:
        out.fields([("name", app.name), ("id", app.id), ("status", app.status),
                    ("url", app.url), ("created", app.created_at),
                    ("last deployed", app.last_deployed_at),
                    ("last deployment", app.last_deployment_id)])  # fmt: skip
    return OK


async def apps_restart(client: Client, args: argparse.Namespace, out: Output) -> int:
    ref = await client.apps.restart(args.app, scope=args.scope or None)
    if out.as_json:
        out.json(ref)
    else:
        out.text(f"restart of {args.app} started: operation {ref.id}")
        out.text(f"wait for it: scalingo-async operations wait {args.app} {ref.id}")
    return OK


def _container(text: str) -> Container:
    name, sep, rest = text.partition("=")
    amount, _, size = rest.partition(":")
    if not sep or not name or not amount.isdigit():
        raise argparse.ArgumentTypeError(f"expected TYPE=AMOUNT[:SIZE], got {text!r}")
    return Container(name, int(amount), size or None)


async def apps_scale(client: Client, args: argparse.Namespace, out: Output) -> int:
    ref = await client.apps.scale(args.app, args.containers)
    if out.as_json:
        out.json(ref)
    else:
        out.table(["TYPE", "AMOUNT", "SIZE"], [(c.name, c.amount, c.size) for c in ref.containers])
        out.text(f"scale of {args.app} started: operation {ref.id}")
    return OK


def _deployment_fields(d: Deployment) -> list[tuple[str, Any]]:
    pusher = d.pusher.username if d.pusher else None
    return [
        ("id", d.id), ("status", d.status), ("git ref", d.git_ref), ("created", d.created_at),
        ("finished", d.finished_at), ("pusher", pusher), ("image size", d.image_size),
    ]  # fmt: skip


async def deployments_list(client: Client, args: argparse.Namespace, out: Output) -> int:
    rows: list[Deployment] = []
    async for deployment in client.deployments.list(args.app, per_page=min(args.limit, 100)):
        rows.append(deployment)
        if len(rows) >= args.limit:
            break
    if out.as_json:
        out.json(rows)
    else:
        out.table(["ID", "CREATED", "STATUS", "GIT REF", "PUSHER"],
                  [(d.id, d.created_at, d.status, d.git_ref,
                    d.pusher.username if d.pusher else None) for d in rows])  # fmt: skip
    return OK


async def deployments_show(client: Client, args: argparse.Namespace, out: Output) -> int:
    deployment = await client.deployments.get(args.app, args.id)
    if out.as_json:
        out.json(deployment)
    else:
        out.fields(_deployment_fields(deployment))
    return OK


async def deployments_output(client: Client, args: argparse.Namespace, out: Output) -> int:
    text = await client.deployments.output(args.app, args.id)
    if out.as_json:
        out.json({"id": args.id, "output": text})
    else:
        out.out.write(text)
    return OK


async def _show_events(events: AsyncIterator[StreamEvent], out: Output) -> int:
    status = None
    async for event in events:
        if out.as_json:
            out.json_line({"type": type(event).__name__, **converter.unstructure(event)})
        elif isinstance(event, DeploymentLogEvent):
            out.text(event.content)
        elif isinstance(event, DeploymentStatusEvent):
            out.text(f"==> {event.status}")
        if isinstance(event, DeploymentStatusEvent):
            status = event.status
    return FAILED if status is not None and status.is_error else OK


async def deployments_follow(client: Client, args: argparse.Namespace, out: Output) -> int:
    dep_id = args.id
    if dep_id is None:  # the newest: the running one if any, since they run one at a time
        page = await client.deployments.page(args.app, per_page=1)
        if not page.items:
            raise ScalingoError(f"{args.app} has no deployments yet")
        dep_id = page.items[0].id
    return await _show_events(client.deployments.follow(args.app, dep_id), out)


async def deployments_reset_cache(client: Client, args: argparse.Namespace, out: Output) -> int:
    await client.deployments.reset_cache(args.app)
    if out.as_json:
        out.json({"app": args.app, "cache": "reset"})
    else:
        out.text(f"the deployment cache of {args.app} is empty")
    return OK


async def deploy(client: Client, args: argparse.Namespace, out: Output) -> int:
    source_url = await client.deployments.upload_source(args.source)
    deployment = await client.deployments.create(
        args.app, source_url=source_url, git_ref=args.git_ref
    )
    if args.no_follow:
        if out.as_json:
            out.json(deployment)
        else:
            out.text(f"deployment {deployment.id} of {args.app} started")
        return OK
    return await _show_events(client.deployments.follow(args.app, deployment.id), out)


async def operations_show(client: Client, args: argparse.Namespace, out: Output) -> int:
    operation = await client.operations.get(args.app, args.id)
    if out.as_json:
        out.json(operation)
    else:
        out.fields([("id", operation.id), ("type", operation.type), ("status", operation.status),
                    ("created", operation.created_at), ("finished", operation.finished_at),
                    ("error", operation.error)])  # fmt: skip
    return OK


async def operations_wait(client: Client, args: argparse.Namespace, out: Output) -> int:
    started = time.monotonic()

    def show(operation: Operation) -> None:
        out.progress(f"{operation.type or 'operation'} {operation.id}: {operation.status}"
                     f" ({time.monotonic() - started:.0f}s)")  # fmt: skip

    try:
        operation = await client.operations.wait(
            args.app, args.id, timeout=args.timeout, interval=args.interval, on_update=show
        )
    finally:
        out.end_progress()
    if out.as_json:
        out.json(operation)
    else:
        out.text(f"operation {operation.id} ({operation.type}) is {operation.status}")
    return OK


async def events_list(client: Client, args: argparse.Namespace, out: Output) -> int:
    rows = []
    async for event in client.events.list(args.app, per_page=min(args.limit, 100)):
        rows.append(event)
        if len(rows) >= args.limit:
            break
    if out.as_json:
        out.json(rows)
    else:
        out.table(["CREATED", "APP", "TYPE", "USER"],
                  [(e.created_at, e.app_name, e.type, e.user.username if e.user else None)
                   for e in rows])  # fmt: skip
    return OK


# the parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalingo-async",
        description="Drive Scalingo from the command line with scalingo_async.",
        epilog="Environment: SCALINGO_API_TOKEN, SCALINGO_REGION, SCALINGO_API_URL. Exit codes: "
        "0 success, 1 a failed deployment or operation, 2 bad usage, 3 an API or network error.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (JSON lines for streams)")
    parser.add_argument("--fake", action="store_true",
                        help="run against an embedded FakeScalingo with sample data")  # fmt: skip
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        group: Any, name: str, handler: Handler | None, help: str
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    demo = command(commands, "demo", None, "run the demo against an embedded FakeScalingo")
    demo.add_argument("--fast", action="store_true", help="skip the pacing")
    command(commands, "event-types", event_types, "list the event types")
    command(commands, "event-categories", event_categories, "list the event categories")

    apps = commands.add_parser("apps", help="show, restart or scale an app").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    command(apps, "show", apps_show, "show an app").add_argument("app")
    restart = command(apps, "restart", apps_restart, "restart an app's containers")
    restart.add_argument("app")
    restart.add_argument("--scope", nargs="+", metavar="TYPE", help="only these process types")
    scale = command(apps, "scale", apps_scale, "scale an app's process types")
    scale.add_argument("app")
    scale.add_argument("containers", nargs="+", type=_container, metavar="TYPE=AMOUNT[:SIZE]")

    deployments = commands.add_parser("deployments", help="list and inspect deployments")
    actions = deployments.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = command(actions, "list", deployments_list, "list an app's deployments, newest first")
    listing.add_argument("app")
    listing.add_argument("--limit", type=_positive, default=20, help="at most N (default 20)")
    for name, handler, text in (
        ("show", deployments_show, "show a deployment"),
        ("output", deployments_output, "print a deployment's build log"),
    ):
        sub = command(actions, name, handler, text)
        sub.add_argument("app")
        sub.add_argument("id")
    follow = command(actions, "follow", deployments_follow,
                     "stream a deployment's log live (the newest one without ID)")  # fmt: skip
    follow.add_argument("app")
    follow.add_argument("id", nargs="?")
    command(actions, "reset-cache", deployments_reset_cache,
            "empty an app's deployment cache").add_argument("app")  # fmt: skip

    deploy_ = command(commands, "deploy", deploy, "deploy a folder, a .tar.gz or an archive URL")
    deploy_.add_argument("app")
    deploy_.add_argument("source", metavar="PATH_OR_URL")
    deploy_.add_argument("--git-ref", help="a name for this version")
    deploy_.add_argument("--no-follow", action="store_true", help="start it and return")

    operations = commands.add_parser("operations", help="show or wait for an operation")
    ops = operations.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = command(ops, "show", operations_show, "show an operation")
    show.add_argument("app")
    show.add_argument("id")
    wait = command(ops, "wait", operations_wait, "wait until an operation is done")
    wait.add_argument("app")
    wait.add_argument("id", metavar="ID_OR_URL")
    wait.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
    wait.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)

    events = commands.add_parser("events", help="list events")
    ev = events.add_subparsers(dest="action", required=True, metavar="ACTION")
    ev_list = command(ev, "list", events_list, "list an app's events, or yours without APP")
    ev_list.add_argument("app", nargs="?")
    ev_list.add_argument("--limit", type=_positive, default=20, help="at most N (default 20)")
    return parser


@contextlib.asynccontextmanager
async def _client(fake: bool) -> AsyncIterator[Client]:
    if not fake:
        async with Client.from_env() as client:
            yield client
        return
    from .testing import FakeScalingo
    from .testing.sample import seed

    async with FakeScalingo(pace=0.0) as server:
        seed(server)
        async with server.client() as client:
            yield client


async def _run(args: argparse.Namespace, out: Output) -> int:
    async with _client(args.fake) as client:
        handler: Handler = args.handler
        return await handler(client, args, out)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:  # fmt: skip
    """Run the command line; return its exit code."""
    stdout, stderr = out or sys.stdout, err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "demo":
        from . import demo

        return demo.run(fast=args.fast, out=stdout)
    output = Output(args.json, stdout, stderr)
    try:
        return asyncio.run(_run(args, output))
    except (DeploymentFailedError, OperationFailedError, OperationTimeoutError) as exc:
        _report(exc, args.debug, stderr)
        return FAILED
    except ScalingoError as exc:
        _report(exc, args.debug, stderr)
        return ERROR
    except ValueError as exc:  # bad input caught by the SDK: a name, a path, a missing token
        _report(exc, args.debug, stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130


def _report(exc: BaseException, debug: bool, err: TextIO) -> None:
    if debug:
        traceback.print_exception(exc, file=err)
    err.write(f"scalingo-async: error: {exc}\n")

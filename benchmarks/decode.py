"""Decoding 10,000 deployments from bytes to models, against orjson.loads and pydantic v2."""

from __future__ import annotations

from datetime import datetime

import orjson
import pydantic

from scalingo_async import Deployment
from scalingo_async._decode import decode_page

from ._common import Result, cpu, median_of
from .server import deployments_body


class PUser(pydantic.BaseModel):
    id: str
    username: str | None = None
    email: str | None = None


class PLinks(pydantic.BaseModel):
    output: str | None = None


class PDeployment(pydantic.BaseModel):
    """The same shape as scalingo_async.Deployment, for pydantic v2."""

    id: str
    app_id: str | None = None
    created_at: datetime | None = None
    status: str | None = None
    git_ref: str | None = None
    previous_git_ref: str | None = None
    type: str | None = None
    finished_at: datetime | None = None
    duration: float | None = None
    image_size: int | None = None
    stack_base_image: str | None = None
    pusher: PUser | None = None
    links: PLinks = PLinks()


class PDeployments(pydantic.BaseModel):
    deployments: list[PDeployment]


def run(quick: bool) -> list[Result]:
    count = 1_000 if quick else 10_000
    repeats = 5 if quick else 41
    body = deployments_body(count)

    def timed(decode: object) -> float:
        def once() -> float:
            start = cpu()
            decode(body)  # type: ignore[operator]
            return cpu() - start

        return median_of(repeats, once)

    def ours(raw: bytes) -> list[Deployment]:
        # What deployments.page() and deployments.list() do with a body.
        return decode_page(raw, "deployments", Deployment)[0]

    assert ours(body)[0].pusher is not None
    floor = timed(orjson.loads)
    mine = timed(ours)
    theirs = timed(PDeployments.model_validate_json)
    per = 1e3 / count * 1e3  # seconds for `count` -> microseconds per deployment
    return [
        Result(f"decode {count:,} deployments, bytes to models (us each)",
               f"{mine * per:.2f}", f"orjson.loads {floor * per:.2f}", mine / floor,
               "<= 2.0x orjson", mine / floor <= 2.0),
        Result(f"decode {count:,} deployments vs pydantic v2 (us each)",
               f"{mine * per:.2f}", f"pydantic {theirs * per:.2f}", theirs / mine,
               ">= 2x faster", theirs / mine >= 2.0),
    ]  # fmt: skip

"""Response bodies to models: msgspec first, the cattrs converter as the reference.

msgspec reads the bytes straight into the attrs classes, in C, without building dicts. Whatever
it refuses goes through the reference path (orjson, then the converter), which reads the cases
msgspec is stricter about (a date without an offset, a null where a default applies) and words
every error. So both paths give the same models and the same errors; the fast one only decides
how quickly.
"""

from __future__ import annotations

import functools
import typing
from typing import Any, TypeVar

import attrs
import msgspec

from ._converter import OWN_HOOKS, loads, structure, structure_list, unannotated

__all__ = ["decode", "decode_list", "decode_page"]

T = TypeVar("T")


def _fast_path_reads(tp: Any) -> bool:
    """Whether msgspec reads `tp` the way the converter does, given that it may refuse more."""
    tp = unannotated(tp)
    if tp in OWN_HOOKS:
        return False
    if attrs.has(tp):
        attrs.resolve_types(tp)
        return all(_fast_path_reads(field.type) for field in attrs.fields(tp))
    return all(_fast_path_reads(arg) for arg in typing.get_args(tp))


@functools.cache
def _decoder(key: str, tp: Any, meta: bool) -> msgspec.json.Decoder[Any] | None:
    """A decoder for an answer rooted at `key` (and its pagination `meta`), or None."""
    if not _fast_path_reads(tp):
        return None
    fields: list[Any] = [(key, tp)]
    if meta:
        fields.append(("meta", Any, None))
    return msgspec.json.Decoder(msgspec.defstruct("Answer", fields))


def _fast(body: bytes, key: str, tp: Any, meta: bool = False) -> Any:
    """The decoded answer, or None when the reference path has to read (or refuse) it."""
    decoder = _decoder(key, tp, meta)
    if decoder is None:
        return None
    try:
        return decoder.decode(body)
    except msgspec.MsgspecError:
        return None


def decode(body: bytes, key: str, cls: type[T]) -> T:
    """Decode the JSON object under `key` of a response body into `cls`."""
    answer = _fast(body, key, cls)
    if answer is None:
        return structure(loads(body), key, cls)
    result: T = getattr(answer, key)
    return result


def decode_list(body: bytes, key: str, cls: type[T]) -> list[T]:
    """Decode the JSON list under `key` of a response body into a list of `cls`."""
    answer = _fast(body, key, list[cls])  # type: ignore[valid-type]
    if answer is None:
        return structure_list(loads(body), key, cls)
    result: list[T] = getattr(answer, key)
    return result


def decode_page(body: bytes, key: str, cls: type[T]) -> tuple[list[T], Any]:
    """Decode one page of a paginated list: its items, and its `meta` (None when absent)."""
    answer = _fast(body, key, list[cls], meta=True)  # type: ignore[valid-type]
    if answer is None:
        data = loads(body)
        meta = data.get("meta") if isinstance(data, dict) else None
        return structure_list(data, key, cls), meta
    return getattr(answer, key), answer.meta

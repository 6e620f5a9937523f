"""The one cattrs converter, and decoding of response bodies into models.

Decoding failures of any kind (bad JSON, a missing field, a value of the wrong type) come out as
our `DecodeError` with an excerpt of the body, never as a cattrs or orjson traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import cattrs
import orjson

from .errors import DecodeError, excerpt
from .models import DeploymentStatus, EventType, OperationStatus

__all__ = ["converter", "loads", "structure", "structure_list"]

T = TypeVar("T")


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    # The API documents dates with an offset; a bare one is read as UTC rather than local time.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _structure_str(value: Any, _: type) -> str:
    # cattrs would call str() on anything, turning a list into "['...']" silently.
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected true or false, got {type(value).__name__}")


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _make_converter() -> cattrs.Converter:
    # detailed_validation=False: plain exceptions instead of ExceptionGroups, and faster code.
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    # Subclasses would reach the str and int hooks above: give them their own.
    conv.register_structure_hook(bool, _structure_bool)
    for status in (DeploymentStatus, OperationStatus):
        conv.register_structure_hook(status, lambda v, cls: cls(_structure_str(v, cls)))

    event_type = cattrs.gen.make_dict_structure_fn(EventType, conv)

    def structure_event_type(value: Any, cls: type) -> EventType:
        # The API document's example object spells display_name "display_named".
        if isinstance(value, dict) and "display_name" not in value and "display_named" in value:
            value = {**value, "display_name": value["display_named"]}
        return event_type(value, cls)

    conv.register_structure_hook(EventType, structure_event_type)
    return conv


converter = _make_converter()


def loads(body: bytes) -> Any:
    """Parse a JSON body, raising DecodeError with an excerpt when it is not JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        what = "an empty body" if not body.strip() else f"a body that is not JSON ({exc})"
        raise DecodeError(f"expected JSON, got {what}", excerpt=excerpt(body)) from None


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "missing field"
    return f"{type(exc).__name__}: {exc}"


def _root(data: Any, key: str) -> Any:
    if not isinstance(data, dict):
        raise DecodeError(f"expected a JSON object with key {key!r}, got {type(data).__name__}")
    if key not in data:
        keys = ", ".join(sorted(map(str, data))[:10]) or "none"
        raise DecodeError(f"expected key {key!r} in the answer (keys present: {keys})")
    return data[key]


def structure(data: Any, key: str, cls: type[T]) -> T:
    """Decode `data[key]` (the API roots every object under its name) into `cls`."""
    value = _root(data, key)
    try:
        return converter.structure(value, cls)
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError(
            f"could not read {key!r} as {cls.__name__}: {_describe(exc)}",
            excerpt=excerpt(orjson.dumps(value)),
        ) from None


def structure_list(data: Any, key: str, cls: type[T]) -> list[T]:
    """Decode the list `data[key]` into a list of `cls`."""
    values = _root(data, key)
    if not isinstance(values, list):
        raise DecodeError(f"expected {key!r} to be a list, got {type(values).__name__}")
    structure_one = converter.get_structure_hook(cls)
    try:
        return [structure_one(v, cls) for v in values]
    except Exception as exc:
        raise DecodeError(
            f"could not read an item of {key!r} as {cls.__name__}: {_describe(exc)}",
            excerpt=excerpt(orjson.dumps(values)),
        ) from None

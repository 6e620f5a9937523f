"""The one cattrs converter: JSON values to models, the reference for how a model is read.

Decoding failures of any kind (bad JSON, a missing field, a value of the wrong type) come out as
our `DecodeError` with an excerpt of the body, never as a cattrs or orjson traceback.
Response bodies go through `_decode` first, which uses this module for what msgspec refuses.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import cattrs
import msgspec
import orjson

from .errors import DecodeError, excerpt
from .models import DeploymentStatus, EventType, OperationStatus

__all__ = ["OWN_HOOKS", "converter", "loads", "structure", "structure_list", "unannotated"]

T = TypeVar("T")


def _parse_date(text: str) -> datetime:
    try:
        # The fast path's parser first, so that both paths read a date alike (msgspec rounds
        # nanoseconds, as Go sends them, where fromisoformat would truncate).
        parsed: datetime = msgspec.convert(text, datetime)
    except msgspec.ValidationError:
        parsed = datetime.fromisoformat(text)  # wider ISO 8601, such as a "+0100" offset
    # The API documents dates with an offset; a bare one is read as UTC rather than local time.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date string, got {type(value).__name__}")
    return _parse_date(value)


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


def unannotated(tp: Any) -> Any:
    """`T` for `Annotated[T, ...]`: the annotations are for msgspec, the hooks go by type."""
    return typing.get_args(tp)[0] if typing.get_origin(tp) is typing.Annotated else tp


def _optional(tp: Any) -> tuple[Any, bool]:
    """(T, True) for `T | None`, else (tp, False)."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return unannotated(rest[0]), True
    return unannotated(tp), False


def _open_enum(cls: type[enum.Enum]) -> Callable[[Any], Any]:
    members = cls._value2member_map_

    def structure(value: Any) -> Any:
        if value.__class__ is not str:
            raise TypeError(f"expected a string, got {type(value).__name__}")
        return members.get(value) or cls(value)

    return structure


_EXPECTED = {str: "a string", int: "an integer", bool: "true or false"}


def _plain_slotted(cls: type) -> bool:
    """A slotted attrs class whose __init__ only stores its arguments."""
    return (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and all(f.validator is None and f.converter is None for f in attrs.fields(cls))
        and all(type(getattr(cls, f.name, None)).__name__ == "member_descriptor"
                for f in attrs.fields(cls))
    )  # fmt: skip


def _fast_attrs_fn(conv: cattrs.Converter, cls: type) -> Callable[[Any, type], Any]:
    """A structure function for an attrs class, generated with its checks inlined.

    cattrs' own generated code calls a hook per field; decoding long deployment lists is the
    SDK's hottest path, so simple fields (str, int, bool, float, datetime, our enums) are checked
    in line, and only nested classes and containers go back through the converter.
    """
    attrs.resolve_types(cls)
    names: dict[str, Any] = {"cls": cls, "_date": _parse_date}
    body = [
        "def structure(d, _):",
        "    if d.__class__ is not dict:",
        f"        raise TypeError('expected an object for {cls.__name__}, got '"
        " + type(d).__name__)",
        "    g = d.get",
    ]
    values = []
    for i, field in enumerate(attrs.fields(cls)):
        var, key = f"v{i}", field.name
        tp, optional = _optional(field.type)
        required = field.default is attrs.NOTHING
        body.append(f"    {var} = d[{key!r}]" if required else f"    {var} = g({key!r})")
        present = f"{var} is not None" if (optional or not required) else "True"
        if tp in _EXPECTED:
            body += [f"    if {present} and {var}.__class__ is not {tp.__name__}:",
                     f"        raise TypeError('{key}: expected {_EXPECTED[tp]}, got '"
                     f" + type({var}).__name__)"]  # fmt: skip
        elif tp is float:
            body += [f"    if {present}:",
                     f"        if {var}.__class__ is not float and {var}.__class__ is not int:",
                     f"            raise TypeError('{key}: expected a number, got '"
                     f" + type({var}).__name__)",
                     f"        {var} = float({var})"]  # fmt: skip
        else:
            if tp is datetime:  # _structure_datetime, in line
                body += [f"    if {present}:",
                         f"        if {var}.__class__ is not str:",
                         f"            raise TypeError('{key}: expected an ISO 8601 date string')",
                         f"        {var} = _date({var})"]  # fmt: skip
                call = ""
            elif isinstance(tp, type) and issubclass(tp, enum.Enum):
                names[f"e{i}"] = _open_enum(tp)
                call = f"e{i}({var})"
            else:
                names[f"h{i}"], names[f"t{i}"] = conv.get_structure_hook(tp), tp
                call = f"h{i}({var}, t{i})"
            if call:
                body.append(f"    if {present}:\n        {var} = {call}")
        if not required:
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                names[f"f{i}"] = default.factory
                body.append(f"    if {var} is None:\n        {var} = f{i}()")
            elif default is not None:
                names[f"d{i}"] = default
                body.append(f"    if {var} is None:\n        {var} = d{i}")
        values.append(var)
    # A frozen attrs __init__ sets each slot through object.__setattr__; writing the slots
    # through their descriptors does the same work faster, and the class stays frozen.
    fields = attrs.fields(cls)
    if _plain_slotted(cls):
        body.append("    i = _new(cls)")
        for n, (field, var) in enumerate(zip(fields, values, strict=True)):
            names[f"s{n}"] = getattr(cls, field.name).__set__
            body.append(f"    s{n}(i, {var})")
        names["_new"] = object.__new__
        body.append("    return i")
    else:
        body.append(f"    return cls({', '.join(values)})")
    exec("\n".join(body), names)  # our own generated source, as attrs and cattrs do
    fn: Callable[[Any, type], Any] = names["structure"]
    return fn


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
        # The same lookup as the generated functions use for status fields.
        structure_status = _open_enum(status)
        conv.register_structure_hook(status, lambda v, _, f=structure_status: f(v))
    conv.register_structure_hook_factory(attrs.has, lambda cls: _fast_attrs_fn(conv, cls))

    event_type = _fast_attrs_fn(conv, EventType)

    def structure_event_type(value: Any, cls: type) -> EventType:
        # The API document's example object spells display_name "display_named".
        if isinstance(value, dict) and "display_name" not in value and "display_named" in value:
            value = {**value, "display_name": value["display_named"]}
        result: EventType = event_type(value, cls)
        return result

    conv.register_structure_hook(EventType, structure_event_type)
    return conv


converter = _make_converter()
# Models read through a hook of their own above (EventType: the "display_named" typo), which a
# decoder that only knows the class's fields would not apply.
OWN_HOOKS: frozenset[type] = frozenset({EventType})


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

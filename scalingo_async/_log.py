"""The SDK's logger, and SCALINGO_LOG to turn it on without touching the app's logging setup."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("scalingo_async")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def configure_from_env() -> None:
    """With SCALINGO_LOG=debug or info, log to stderr at that level (once per process)."""
    level = _LEVELS.get(os.environ.get("SCALINGO_LOG", "").strip().lower())
    if level is None or any(getattr(h, "_scalingo_env", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler._scalingo_env = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)

"""Packing a folder as the .tar.gz the API deploys: a single top folder holding the app."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

__all__ = ["MAX_ARCHIVE_BYTES", "load_source", "make_archive"]

MAX_ARCHIVE_BYTES = 314_572_800  # API-NOTES.md: "at most 314,572,800 bytes"


def _skip_vcs(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # A .git folder is history, not the app; it can be larger than the app itself.
    return None if "/.git/" in f"/{info.name}/" else info


def make_archive(folder: Path) -> bytes:
    """The folder as a gzipped tar whose one top entry is the folder itself. Blocking: run it
    in a thread."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.resolve().name or "app", filter=_skip_vcs)
    return buffer.getvalue()


def load_source(path: Path) -> bytes:
    """The archive to upload for `path`: a .tar.gz file as it is, or a folder packed. Blocking."""
    if path.is_file():
        size = path.stat().st_size
        if size > MAX_ARCHIVE_BYTES:
            raise ValueError(
                f"{path} has {size:,} bytes; the API takes at most {MAX_ARCHIVE_BYTES:,}"
            )
        return path.read_bytes()
    if path.is_dir():
        return make_archive(path)
    raise ValueError(f"no such file or folder: {path}")

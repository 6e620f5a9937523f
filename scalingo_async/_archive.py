"""Packing a folder as the .tar.gz the API deploys: a single top folder holding the app."""

from __future__ import annotations

import tarfile
from pathlib import Path

__all__ = ["MAX_ARCHIVE_BYTES", "archive_for", "check_size"]

MAX_ARCHIVE_BYTES = 314_572_800  # API-NOTES.md: "at most 314,572,800 bytes"


def check_size(size: int, what: str) -> None:
    if size > MAX_ARCHIVE_BYTES:
        raise ValueError(f"{what} has {size:,} bytes; the API takes at most {MAX_ARCHIVE_BYTES:,}")


def _skip_vcs(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # A .git folder is history, not the app; it can be larger than the app itself.
    return None if "/.git/" in f"/{info.name}/" else info


def archive_for(path: Path, scratch: Path) -> Path:
    """The .tar.gz file to upload for `path`: the file itself, or the folder packed into
    `scratch` with the folder as its one top entry. Blocking: run it in a thread.

    The archive goes to a file, not to memory, so that a 300 MB app is streamed to the upload.
    """
    if path.is_file():
        archive = path
    elif path.is_dir():
        with scratch.open("wb") as file, tarfile.open(fileobj=file, mode="w:gz") as tar:
            tar.add(path, arcname=path.resolve().name or "app", filter=_skip_vcs)
        archive = scratch
    else:
        raise ValueError(f"no such file or folder: {path}")
    check_size(archive.stat().st_size, f"the archive of {path}")
    return archive

"""Run every benchmark and print one table. `--quick` runs them all in seconds."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._common import Result

if not __package__:  # run as a file, `python benchmarks/run.py`: import from the project root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

# The modules of this package, each with `run(quick) -> list[Result]`, in the table's order.
BENCHMARKS = ("decode", "rest_call", "concurrent_pages", "stream_frames", "list_memory",
              "many_streams", "upload_memory")  # fmt: skip

HEADERS = ["measure", "ours", "reference", "ratio", "target", "met"]


def table(results: list[Result], markdown: bool) -> str:
    rows = [HEADERS, *(r.cells() for r in results)]
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * len(HEADERS))
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = parser.parse_args(argv)
    results: list[Result] = []
    for name in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        print(f"running {name}...", file=sys.stderr, flush=True)
        found: list[Result] = importlib.import_module(f"benchmarks.{name}").run(args.quick)
        results.extend(found)
    print(f"{platform.python_implementation()} {platform.python_version()},"
          f" {platform.machine()}, {'quick' if args.quick else 'full'} run")  # fmt: skip
    print(table(results, args.markdown))
    # Quick sizes are too small for the targets to mean anything: only a full run is judged.
    return 0 if args.quick or all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

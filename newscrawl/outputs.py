"""The one writer of every file a command produces (exports, sidecars, summaries, reports).

A file is written under `<name>.part` beside its target and renamed into place only when
complete, so a reader never sees half a file; folders are created as needed; the file gets
the usual permissions for new files (0644 under the common umask 022: the umask is
respected), the same from every command. Paths are checked before any work starts.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator, TextIO, Union

from newscrawl.cli import CommandError

PathLike = Union[str, Path]


def check_output_path(path: PathLike, create_parent: bool = True) -> Path:
    """Refuse a directory, a missing folder (unless create_parent) or a folder we cannot
    write in, with one clear line (exit 2), before any page is fetched or read."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise CommandError(f"output path is a directory: {path}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir() and not create_parent:
        raise CommandError(f"cannot write the output file {path}: directory {parent} does not exist")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise CommandError(f"cannot write the output file {path}: {exc.strerror or exc}") from None
    return path


def part_path(path: PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".part")


def finish_part(part: PathLike, path: PathLike) -> None:
    """Put a complete .part file in place (atomic rename on the same filesystem)."""
    os.replace(part, path)


@contextmanager
def output_file(path: PathLike, binary: bool = False) -> Iterator[IO]:
    """A file that appears at `path` only if the block ends without an error; UTF-8 text
    with '\\n' line ends unless `binary`."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(path)
    # open() creates with 0666 minus the umask, like any other tool (mkstemp would give 0600).
    fh = open(part, "wb") if binary else open(part, "w", encoding="utf-8", newline="\n")
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        finish_part(part, path)
    except BaseException:
        try:
            os.unlink(part)
        except OSError:
            pass
        raise


def atomic_text_file(path: PathLike) -> Iterator[TextIO]:
    """A UTF-8 text file written through `output_file`."""
    return output_file(path)


def write_text(path: PathLike, text: str) -> Path:
    with output_file(path) as fh:
        fh.write(text)
    return Path(path)


def write_json(path: PathLike, data: Any) -> Path:
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")

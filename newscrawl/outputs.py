"""Output files of the commands: checked before any work starts, written under a temporary
name beside the target and renamed into place only when complete."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO, Union

from newscrawl.cli import CommandError


def check_output_path(path: Union[str, Path], create_parent: bool = True) -> Path:
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


@contextmanager
def atomic_text_file(path: Union[str, Path]) -> Iterator[TextIO]:
    """A UTF-8 text file that appears at `path` only if the block ends without an error."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise

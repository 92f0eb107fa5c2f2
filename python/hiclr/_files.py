"""Writing a file so that a reader never sees it half-written (the project's rule for every output)."""

import os
from pathlib import Path


def write_atomically(path, write):
    """Calls ``write(partial)`` with ``.<name>.partial`` beside ``path``, flushes it to disk and renames it to
    ``path``; on any failure (or interruption) the partial file is removed and the error re-raised, and ``path``
    is untouched. The ``.partial`` name is the one ``hiclr convert`` recognises as its own."""
    path = Path(path)
    partial = path.parent / f".{path.name}.partial"
    try:
        write(partial)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, path)
    except BaseException:
        try:
            partial.unlink()
        except FileNotFoundError:
            pass
        raise

"""Exceptions of the hiclr package. Every message names the file (and field) it is about."""


class HiclrError(Exception):
    """Base class of the errors this package raises for bad input."""


class ShardError(HiclrError, ValueError):
    """A shard directory, manifest or shard file is missing, damaged or inconsistent."""


class LoaderError(HiclrError, RuntimeError):
    """The Swift loader refused its arguments or failed while building a batch (message from Swift)."""


class CheckpointError(HiclrError, ValueError):
    """A checkpoint file is not in our layout, or a state_dict cannot be written in it."""


class LibraryNotFound(HiclrError, OSError):
    """libHiCLRLoaderC.so was not found or is not usable."""

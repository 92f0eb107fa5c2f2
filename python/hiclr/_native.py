"""ctypes binding of libHiCLRLoaderC.so (the C ABI in include/hiclr_loader.h)."""

import ctypes
import json
import os
from pathlib import Path

from .errors import LibraryNotFound, LoaderError

LIBRARY_NAME = "libHiCLRLoaderC.so"
ABI_VERSION = 2
ERROR_CAPACITY = 4096
HEADER = Path(__file__).resolve().parent / "include" / "hiclr_loader.h"

_library = None


def _candidates():
    """Built libraries of the checkouts above the current directory and above this file, newest first."""
    found = []
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            for config in ("release", "debug"):
                path = folder / ".build" / config / LIBRARY_NAME
                if path.is_file():
                    found.append(path)
            if (folder / "Package.swift").is_file():
                break
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda p: p.stat().st_mtime, reverse=True)


def library_path():
    """Path of the library: $HICLR_LIB, else the newest build of the enclosing hiclr-swift checkout."""
    env = os.environ.get("HICLR_LIB")
    if env:
        path = Path(env)
        if not path.is_file():
            raise LibraryNotFound(f"{env}: HICLR_LIB names no file (build it: swift build --product HiCLRLoaderC)")
        return path
    found = _candidates()
    if not found:
        raise LibraryNotFound(
            f"{LIBRARY_NAME} not found: set HICLR_LIB to its path, or run from a hiclr-swift checkout after "
            "`swift build --product HiCLRLoaderC` (or `-c release`)")
    return found[0]


_loaded_in_pid = None


def _refuse_forked_child():
    """The Swift loader runs threads: a process forked from one that has the library loaded inherits their locks
    in whatever state they were (HDF5's, the loader's) and can hang on the first one. Refuse instead of hanging."""
    if _loaded_in_pid is not None and _loaded_in_pid != os.getpid():
        raise LoaderError(
            "this process was forked from one (pid %d) that had already loaded the hiclr loader library, whose "
            "threads' locks a forked child inherits; start worker processes with spawn or forkserver instead, e.g. "
            "DataLoader(stream, batch_size=None, num_workers=1, multiprocessing_context=\"spawn\")" % _loaded_in_pid)


def library():
    """The loaded library, with argument and result types declared."""
    global _library, _loaded_in_pid
    _refuse_forked_child()
    if _library is not None:
        return _library
    _loaded_in_pid = os.getpid()
    path = library_path()
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as error:
        raise LibraryNotFound(f"{path}: cannot load: {error}") from None
    c = ctypes
    lib.hiclr_loader_abi_version.restype = c.c_int32
    lib.hiclr_loader_abi_version.argtypes = []
    version = lib.hiclr_loader_abi_version()
    if version != ABI_VERSION:
        raise LibraryNotFound(f"{path}: C ABI version {version}; this package speaks version {ABI_VERSION}")
    lib.hiclr_loader_open.restype = c.c_void_p
    lib.hiclr_loader_open.argtypes = [c.c_char_p, c.c_char_p, c.c_char_p, c.c_char_p, c.c_uint64, c.c_int64,
                                      c.c_int64, c.c_int64, c.c_int32, c.c_int32, c.c_int64, c.c_int64, c.c_int32,
                                      c.c_char_p, c.c_size_t]
    lib.hiclr_loader_describe.restype = c.c_char_p
    lib.hiclr_loader_describe.argtypes = [c.c_void_p]
    lib.hiclr_loader_start.restype = c.c_int32
    lib.hiclr_loader_start.argtypes = [c.c_void_p, c.c_int64, c.c_int64, c.c_char_p, c.c_size_t]
    lib.hiclr_loader_next.restype = c.c_int64
    lib.hiclr_loader_next.argtypes = [c.c_void_p, c.c_void_p, c.c_void_p, c.POINTER(c.c_void_p),
                                      c.POINTER(c.c_void_p), c.c_int64, c.POINTER(c.c_int64), c.c_char_p,
                                      c.c_size_t]
    lib.hiclr_loader_next_shared.restype = c.c_int64
    lib.hiclr_loader_next_shared.argtypes = [c.c_void_p, c.c_void_p, c.c_void_p, c.POINTER(c.c_void_p),
                                             c.POINTER(c.c_void_p), c.POINTER(c.c_void_p), c.c_int64,
                                             c.POINTER(c.c_int64), c.c_char_p, c.c_size_t]
    lib.hiclr_buffer_release.restype = None
    lib.hiclr_buffer_release.argtypes = [c.c_void_p]
    lib.hiclr_loader_close.restype = None
    lib.hiclr_loader_close.argtypes = [c.c_void_p]
    _library = lib
    return lib


def resolve_pipeline(reference):
    """A pipeline file path: ``reference`` when it is a file, else the shipped pipeline it names (``hiclr``,
    ``hiclr.yaml``, ``pipelines/hiclr.yaml``) from the resource bundle next to the library (where SwiftPM puts
    ``hiclr-swift_ShippedPipelines.resources``), else ``reference`` unchanged (the loader reports it missing)."""
    reference = os.fspath(reference)
    if os.path.isfile(reference):
        return reference
    parts = [p for p in reference.split("/") if p not in ("", ".")]
    if len(parts) == 2 and parts[0] == "pipelines":
        parts = parts[1:]
    if len(parts) != 1:
        return reference
    name = parts[0]
    for ext in (".yaml", ".yml"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    try:
        bundle = library_path().parent / "hiclr-swift_ShippedPipelines.resources"
    except LibraryNotFound:
        return reference
    shipped = bundle / f"{name}.yaml"
    return str(shipped) if shipped.is_file() else reference


def _text(value):
    return None if value is None else os.fsencode(value)


class NativeLoader:
    """One open loader handle. Buffers are raw addresses (e.g. ``tensor.data_ptr()``); not thread-safe."""

    def __init__(self, shards, benchmark, part, pipeline, seed, batch_size, workers, prefetch, pad, shuffle, rank,
                 world, verify):
        self._lib = library()
        error = ctypes.create_string_buffer(ERROR_CAPACITY)
        for name, value in (("seed", seed), ("batch_size", batch_size), ("workers", workers),
                            ("prefetch", prefetch), ("rank", rank), ("world", world)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if not 0 <= seed < 2 ** 64:
            raise ValueError(f"seed {seed} is not in 0..2**64-1")
        handle = self._lib.hiclr_loader_open(
            _text(os.fspath(shards)), _text(benchmark), _text(part), _text(resolve_pipeline(pipeline)), seed, batch_size,
            workers, prefetch, int(bool(pad)), int(bool(shuffle)), rank, world, int(bool(verify)), error,
            ERROR_CAPACITY)
        if not handle:
            raise LoaderError(error.value.decode("utf-8", "replace"))
        self._handle = handle
        self.info = json.loads(self._lib.hiclr_loader_describe(handle).decode("utf-8"))

    def start(self, epoch, start_batch=0):
        error = ctypes.create_string_buffer(ERROR_CAPACITY)
        if self._lib.hiclr_loader_start(self._live(), epoch, start_batch, error, ERROR_CAPACITY) != 0:
            raise LoaderError(error.value.decode("utf-8", "replace"))

    def next_into(self, ids, labels, data, masks, capacity):
        """Fills the buffers at the given addresses; returns (count, batch index), count 0 at the epoch's end."""
        error = ctypes.create_string_buffer(ERROR_CAPACITY)
        data_array = (ctypes.c_void_p * len(data))(*data)
        mask_array = (ctypes.c_void_p * len(masks))(*masks)
        index = ctypes.c_int64(-1)
        count = self._lib.hiclr_loader_next(self._live(), ids, labels, data_array, mask_array, capacity,
                                            ctypes.byref(index), error, ERROR_CAPACITY)
        if count < 0:
            raise LoaderError(error.value.decode("utf-8", "replace"))
        return count, index.value

    def next_shared(self, ids, labels, masks, slots, capacity):
        """The next batch without a copy: fills ids, labels and masks (addresses) and returns (count, batch index,
        buffers), buffers being one ``(address, owner)`` per data slot, each owner to be released exactly once
        (``release``); count 0 at the epoch's end."""
        error = ctypes.create_string_buffer(ERROR_CAPACITY)
        data_array = (ctypes.c_void_p * slots)()
        owner_array = (ctypes.c_void_p * slots)()
        mask_array = (ctypes.c_void_p * len(masks))(*masks)
        index = ctypes.c_int64(-1)
        count = self._lib.hiclr_loader_next_shared(self._live(), ids, labels, data_array, owner_array, mask_array,
                                                   capacity, ctypes.byref(index), error, ERROR_CAPACITY)
        if count < 0:
            raise LoaderError(error.value.decode("utf-8", "replace"))
        return count, index.value, list(zip(data_array, owner_array)) if count else []

    def release(self, owner):
        """Releases one buffer reference from ``next_shared``."""
        self._lib.hiclr_buffer_release(owner)

    def _live(self):
        if self._handle is None:
            raise LoaderError("the loader is closed")
        return self._handle

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.hiclr_loader_close(handle)

    def __del__(self):
        self.close()

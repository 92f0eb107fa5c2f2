"""PyTorch interop for hiclr-swift.

- ``hiclr.torch``: ``ShardStream`` (batches from the Swift loader), ``ShardDataset``, ``batch_digest``
- ``hiclr.shards``: shard directories with h5py, checked against their manifest
- ``hiclr.checkpoint``: ``load`` / ``save`` in our HDF5 checkpoint layout
- ``hiclr.pyskl``: PYSKL's NTU annotation pickles from clean-mode shards, and checked loading of them
  (``python3 -m hiclr.pyskl export|unpack|check``; docs/pyskl.md)

``hiclr.torch`` imports torch; the other modules need only NumPy and h5py.
"""

from .errors import CheckpointError, HiclrError, LibraryNotFound, LoaderError, ShardError

__version__ = "0.1.0"
__all__ = ["HiclrError", "ShardError", "LoaderError", "CheckpointError", "LibraryNotFound", "__version__"]

"""ShardStream: the Swift loader's batches as a torch IterableDataset, and their digest."""

import ctypes
import functools
import hashlib
import math
import os
import weakref

import torch
import torch.distributed as dist

from .._native import NativeLoader, library

SPECIAL_KEYS = ("index", "label")
MASK_SUFFIX = "_mask"


def _default_workers():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _distributed_rank_world():
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class ShardStream(torch.utils.data.IterableDataset):
    """Augmented multi-view batches of one shard part, built by the Swift loader on background threads.

    ``pipeline`` is a pipeline file, or the name of a shipped one (``"hiclr"``, ``"pipelines/hiclr.yaml"``) as for
    ``hiclr stream --pipeline``.

    Iterating yields one dict per batch (the loader batches: use it directly, or in a DataLoader with
    ``batch_size=None``; the Swift loader already builds batches on its own threads, and DataLoader worker
    processes must be started with ``multiprocessing_context="spawn"``: a process forked from one that has loaded
    the library is refused, since it would inherit the loader threads' locks): per pipeline branch a float32 tensor ``(B, 3, 50, 25, 2)`` under the branch's name
    (``q``, ``k``, ``q1``, ``q2`` for pipelines/hiclr.yaml; ``q.joint``, ``q.bone``… when the pipeline emits
    several streams), ``<branch>_mask`` as bool ``(B, 50, 25)`` for branches with a joint mask (True = masked),
    ``label`` and ``index`` (the samples' indices in the part) as int64 ``(B,)``. Every batch is the bytes
    ``hiclr stream`` builds for the same arguments, for any ``workers``: ``batch_digest`` equals its ``--hash``.

    One epoch per iteration; ``set_epoch(e)`` chooses it (as DistributedSampler.set_epoch). ``resume(epoch,
    batch)`` makes the next iteration start inside ``epoch`` at ``batch`` (exactly the batches an uninterrupted
    epoch would have delivered from there); ``position()`` says where the stream is, for checkpoints.

    ``rank``/``world`` default to torch.distributed's when it is initialised (else 0/1): each rank gets a disjoint
    share of the epoch's permutation. ``drop_last=True`` gives every rank floor(N/world) samples and only full
    batches; ``drop_last=False`` pads every rank to ceil(N/world) by repeating the permutation's start (as
    DistributedSampler) and keeps a short last batch. ``pin_memory`` allocates page-locked tensors when CUDA is
    available. ``verify`` (default) checks the part's SHA-256s from the manifest on opening (the whole file,
    metadata included). Without it, a damaged sample chunk still fails the batch that reads it: shards of the
    default ``convert --deflate-level 0`` store each chunk with HDF5's Fletcher-32 checksum, deflated shards
    fail to inflate (level-0 shards written before the checksum, which have no filter, cannot tell).

    No copy: the view tensors are the very buffers the Swift workers built the batch in, handed over with their
    ownership (a tensor keeps its buffer alive; the memory is freed when the last tensor using it is). Writing
    into them is allowed (the loader no longer reads them). With ``pin_memory`` (and CUDA) each batch is
    instead copied once, by Swift, into freshly allocated page-locked tensors.
    """

    def __init__(self, shards, benchmark=None, part="train", pipeline="hiclr", seed=0,
                 batch_size=128, workers=None, prefetch=2, drop_last=True, rank=None, world=None,
                 pin_memory=False, shuffle=True, verify=True):
        super().__init__()
        if (rank is None) != (world is None):
            raise ValueError("give both rank and world, or neither (then torch.distributed's are used)")
        if rank is None:
            rank, world = _distributed_rank_world()
        self._arguments = dict(shards=os.fspath(shards), benchmark=benchmark, part=part,
                               pipeline=os.fspath(pipeline), seed=int(seed), batch_size=int(batch_size),
                               workers=int(workers if workers is not None else _default_workers()),
                               prefetch=int(prefetch), pad=not drop_last, shuffle=bool(shuffle), rank=int(rank),
                               world=int(world), verify=bool(verify))
        self.pin_memory = bool(pin_memory) and torch.cuda.is_available()
        self._copy = self.pin_memory  # copy each batch into fresh (page-locked) tensors instead of sharing
        self.epoch = 0
        self._resume = None
        self._position = (0, 0)
        self._loader = None
        self._owner = None
        self._open()  # bad arguments and bad input fail here, not at the first batch

    # -- handle -----------------------------------------------------------------------------------------------

    def _open(self):
        if self._loader is None or self._owner != os.getpid():
            self._loader = NativeLoader(**self._arguments)
            self._owner = os.getpid()
            info = self._loader.info
            self.info = info
            self.views = [view["name"] for view in info["views"]]
            self.masked = [view["name"] for view in info["views"] if view["mask"]]
            self.streams = list(info["streams"])
        return self._loader

    def __getstate__(self):  # DataLoader worker processes reopen the library in their own process
        state = dict(self.__dict__)
        state["_loader"] = None
        state["_owner"] = None
        return state

    def close(self):
        """Stops the Swift worker threads and frees the loader; the stream reopens if iterated again."""
        if self._loader is not None and self._owner == os.getpid():
            self._loader.close()
        self._loader = None

    # -- facts ------------------------------------------------------------------------------------------------

    @property
    def rank(self):
        return self._arguments["rank"]

    @property
    def world(self):
        return self._arguments["world"]

    @property
    def batch_size(self):
        return self._arguments["batch_size"]

    @property
    def batches_per_epoch(self):
        return self.info["batches_per_epoch"]

    @property
    def samples_per_epoch(self):
        """Samples this rank sees in one epoch."""
        return self.info["samples_per_epoch"]

    def keys(self):
        """The keys of every batch dict, in the order they are yielded (the digest's order)."""
        out = ["index", "label"]
        for view in self.views:
            out += [self._key(view, stream) for stream in self.streams]
            if view in self.masked:
                out.append(view + MASK_SUFFIX)
        return out

    def _key(self, view, stream):
        """The batch key of one view's stream: the view's name, or ``view.stream`` when views carry several."""
        return view if len(self.streams) == 1 else f"{view}.{stream}"

    def __len__(self):
        start = self._resume[1] if self._resume and self._resume[0] == self.epoch else 0
        return max(0, self.batches_per_epoch - start)

    # -- epochs -----------------------------------------------------------------------------------------------

    def set_epoch(self, epoch):
        """The epoch the next iteration streams."""
        if epoch < 0:
            raise ValueError(f"epoch {epoch} must be at least 0")
        self.epoch = int(epoch)

    def resume(self, epoch, batch):
        """Makes the next iteration stream ``epoch`` from batch index ``batch`` on."""
        if epoch < 0 or batch < 0:
            raise ValueError(f"cannot resume at epoch {epoch}, batch {batch}")
        self.epoch = int(epoch)
        self._resume = (int(epoch), int(batch))

    def position(self):
        """(epoch, next batch index): where an interrupted run resumes (``resume(*position())``)."""
        return self._position

    def __iter__(self):
        worker = torch.utils.data.get_worker_info()
        if worker is not None and worker.num_workers > 1:
            raise RuntimeError("ShardStream builds batches on its own Swift threads (workers=...): use it in a "
                               "DataLoader with num_workers=0 or 1 and batch_size=None")
        loader = self._open()
        epoch = self.epoch
        start = 0
        if self._resume is not None and self._resume[0] == epoch:
            start = self._resume[1]
        self._resume = None
        loader.start(epoch, start)
        self._position = (epoch, start)
        capacity = self.batch_size
        while True:
            if self._copy:
                batch, pointers = self._allocate(capacity)
                count, index = loader.next_into(*pointers, capacity)
                if 0 < count < capacity:
                    batch = {key: value[:count] for key, value in batch.items()}
            else:
                count, index, batch = self._next_shared(loader, capacity)
            if count == 0:
                self._position = (epoch + 1, 0)
                return
            self._position = (epoch, index + 1)
            yield batch

    def _next_shared(self, loader, capacity):
        """(count, batch index, batch dict) of the next batch, its view tensors wrapping the Swift buffers."""
        index_t = torch.empty(capacity, dtype=torch.int64)
        label_t = torch.empty(capacity, dtype=torch.int64)
        mask_shape = (capacity, *self.info["mask_shape"])
        masks = {view: torch.empty(mask_shape, dtype=torch.bool) for view in self.masked}
        mask_pointers = [masks[view].data_ptr() if view in masks else None for view in self.views]
        slots = len(self.views) * len(self.streams)
        count, index, buffers = loader.next_shared(index_t.data_ptr(), label_t.data_ptr(), mask_pointers, slots,
                                                   capacity)
        if count == 0:
            return 0, index, None
        batch = {"index": index_t[:count], "label": label_t[:count]}
        shape = (count, *self.info["shape"])
        floats = count * math.prod(self.info["shape"])
        buffers = iter(buffers)
        for view in self.views:
            for stream in self.streams:
                address, owner = next(buffers)
                batch[self._key(view, stream)] = _wrap(address, owner, floats, shape)
            if view in masks:
                batch[view + MASK_SUFFIX] = masks[view][:count]
        return count, index, batch

    def _allocate(self, capacity):
        """Fresh tensors for one batch, in key order, and the addresses the C call fills."""
        pin = self.pin_memory
        shape = (capacity, *self.info["shape"])
        mask_shape = (capacity, *self.info["mask_shape"])
        batch = {"index": torch.empty(capacity, dtype=torch.int64, pin_memory=pin),
                 "label": torch.empty(capacity, dtype=torch.int64, pin_memory=pin)}
        data, masks = [], []
        for view in self.views:
            for stream in self.streams:
                tensor = torch.empty(shape, dtype=torch.float32, pin_memory=pin)
                batch[self._key(view, stream)] = tensor
                data.append(tensor.data_ptr())
            if view in self.masked:
                mask = torch.empty(mask_shape, dtype=torch.bool, pin_memory=pin)
                batch[view + MASK_SUFFIX] = mask
                masks.append(mask.data_ptr())
            else:
                masks.append(None)
        return batch, (batch["index"].data_ptr(), batch["label"].data_ptr(), data, masks)


@functools.lru_cache(maxsize=64)
def _float_array(count):
    return ctypes.c_float * count


def _wrap(address, owner, floats, shape):
    """A float32 tensor of ``shape`` over the Swift buffer at ``address`` that releases ``owner`` (once) when the
    last tensor viewing it is gone."""
    array = _float_array(floats).from_address(address)
    weakref.finalize(array, library().hiclr_buffer_release, owner)
    return torch.frombuffer(array, dtype=torch.float32).view(shape)


def batch_digest(batch):
    """SHA-256 (hex) of a ShardStream batch: the string ``hiclr stream --hash`` prints for the same batch.

    Hashes, in the dict's order (the order ShardStream yields): ``index`` and ``label`` as int64, then per branch
    its name in UTF-8, its stream tensors' float32 bytes and its ``<branch>_mask`` as 0/1 bytes. The tensors may
    live on any device.
    """
    def raw(tensor, dtype):
        return tensor.detach().to("cpu", dtype).contiguous().numpy().tobytes()

    hasher = hashlib.sha256()
    hasher.update(raw(batch["index"], torch.int64))
    hasher.update(raw(batch["label"], torch.int64))
    current = None
    for key, value in batch.items():
        if key in SPECIAL_KEYS:
            continue
        if key.endswith(MASK_SUFFIX):
            hasher.update(raw(value, torch.uint8))
            continue
        view = key.split(".", 1)[0]
        if view != current:
            hasher.update(view.encode("utf-8"))
            current = view
        hasher.update(raw(value, torch.float32))
    return hasher.hexdigest()

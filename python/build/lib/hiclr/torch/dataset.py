"""ShardDataset: a map-style torch Dataset over one shard part, read with h5py (no Swift involved)."""

import torch

from .. import shards as _shards


class ShardDataset(torch.utils.data.Dataset):
    """Sample ``i`` of one benchmark part as ``{stream: float32 tensor (3, 50, 25, 2), "label": int64 tensor ()}``
    for the requested ``streams`` (any of "joint", "bone", "motion"), unaugmented, as stored. Indices are the
    part's (what ShardStream reports as ``index``). The manifest is checked on construction (``verify`` re-hashes
    the files); h5py files open lazily in each DataLoader worker process."""

    def __init__(self, shards, benchmark=None, part="train", streams=("joint",), verify=True):
        if isinstance(streams, str):
            streams = (streams,)
        unknown = [s for s in streams if s not in _shards.STREAMS]
        if unknown or not streams:
            raise ValueError(f"streams must be some of {', '.join(_shards.STREAMS)}, not {list(streams)}")
        self.streams = tuple(streams)
        self.part = _shards.open(shards, verify=verify).part(benchmark, part)
        self.labels = torch.from_numpy(self.part.labels.copy())

    def __len__(self):
        return len(self.part)

    def __getitem__(self, index):
        item = {stream: torch.from_numpy(self.part.read(stream, index)) for stream in self.streams}
        item["label"] = self.labels[index]
        return item

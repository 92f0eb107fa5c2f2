"""PyTorch side of hiclr: ShardStream (Swift loader), ShardDataset (h5py), batch_digest.

The models (ST-GCN encoder and the HiCLR wrapper, reference state_dict keys) are in ``hiclr.torch.models``.
"""

from .dataset import ShardDataset
from .stream import ShardStream, batch_digest

__all__ = ["ShardStream", "ShardDataset", "batch_digest"]

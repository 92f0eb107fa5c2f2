"""PyTorch versions of the project's encoder and HiCLR training step.

Written for this project to match the reference implementation (JHang2020/HiCLR) tensor for tensor:
``STGCN`` has the ``state_dict`` keys and forward pass of ``net/st_gcn.py`` ``Model`` and ``HiCLR`` those of
``net/hiclr.py`` ``HiCLR`` (pretraining variant), so reference checkpoints load with ``load_state_dict`` and
the project's checkpoints load into the reference. ``HiCLR.train_step`` is one optimisation step of
``processor/pretrain_hiclr.py`` (``HiCLR_Processor.train``) in the reference's order:

1. masked joints of the strong view (q2) take ``mask_param``;
2. the three query views pass ``encoder_q`` (q, then q1, then q2; batch-norm running statistics updated
   in that order);
3. ``encoder_k`` follows ``encoder_q`` by momentum, *then* encodes the key view (train mode, no gradient);
4. the loss is InfoNCE (or, from the mining epoch on, the mean log-probability of the mined positive set)
   plus half the two consistency cross-entropies;
5. the keys overwrite the queue at ``queue_ptr`` and ``queue_ptr`` advances by the batch size;
6. backward and the optimiser step.

Graph augmentation (drop/add edges) is not modelled: the reference never enables it in pretraining
(``drop_graph`` is False in every ``encoder_q`` call of ``net/hiclr.py`` and the released config sets
``dropout_graph: 0.0``, ``add_graph: 0.0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["ntu_spatial_adjacency", "STGCNBlock", "STGCN", "HiCLR", "LossTerms", "NTU_BONES"]

# NTU RGB+D joint pairs (1-based): the 24 bones of the 25-joint skeleton; joint 21 (spine) is the centre.
NTU_BONES = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10),
             (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23),
             (23, 8), (24, 25), (25, 12)]
NTU_CENTRE = 21


def ntu_spatial_adjacency(joints: int = 25) -> np.ndarray:
    """The ST-GCN "spatial" partition of the NTU graph with one hop, shape (3, V, V), float32.

    Entry [j, i] of each subset carries the column-normalised adjacency (1 / degree of node i, the degree
    counting the self loop). Subset 0 holds the self loops; an edge i -> j goes to subset 1 when j is not
    farther from the centre than i ("root + centripetal"), else to subset 2 ("centrifugal"). Distances to the
    centre are one-hop distances, as in the reference: nodes more than one hop from the centre count as
    infinitely far and compare equal to each other.
    """
    edges = [(a - 1, b - 1) for a, b in NTU_BONES]
    linked = np.eye(joints, dtype=bool)
    for a, b in edges:
        linked[a, b] = linked[b, a] = True
    hop = np.full((joints, joints), np.inf)
    hop[linked] = 1.0
    np.fill_diagonal(hop, 0.0)
    degree = linked.sum(axis=0).astype(np.float64)
    normalised = linked / degree[None, :]
    centre = NTU_CENTRE - 1
    out = np.zeros((3, joints, joints))
    for j in range(joints):
        for i in range(joints):
            if hop[j, i] == 0:
                out[0, j, i] = normalised[j, i]
            elif hop[j, i] == 1:
                dj, di = hop[j, centre], hop[i, centre]
                subset = 1 if (dj == di or dj > di) else 2
                out[subset, j, i] = normalised[j, i]
    return out.astype(np.float32)


class _GraphConv(nn.Module):
    """1x1 convolution to (subsets x out) channels, then aggregation over neighbours with the adjacency."""

    def __init__(self, in_channels: int, out_channels: int, subsets: int):
        super().__init__()
        self.subsets = subsets
        self.conv = nn.Conv2d(in_channels, out_channels * subsets, kernel_size=(1, 1))

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        n, kc, t, v = y.shape
        y = y.view(n, self.subsets, kc // self.subsets, t, v)
        return torch.einsum("nkctv,kvw->nctw", y, adjacency).contiguous()


class STGCNBlock(nn.Module):
    """Graph convolution, then BN-ReLU-temporal conv-BN-dropout, plus a residual path; ReLU at the end."""

    def __init__(self, in_channels: int, out_channels: int, subsets: int = 3, temporal_kernel: int = 9,
                 stride: int = 1, dropout: float = 0.0, residual: bool = True):
        super().__init__()
        self.gcn = _GraphConv(in_channels, out_channels, subsets)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, (temporal_kernel, 1), (stride, 1), ((temporal_kernel - 1) // 2, 0)),
            nn.BatchNorm2d(out_channels),
            nn.Dropout(dropout, inplace=True),
        )
        if not residual:
            self.residual_kind = "none"
        elif in_channels == out_channels and stride == 1:
            self.residual_kind = "identity"
        else:
            self.residual_kind = "projection"
            self.residual = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=(stride, 1)),
                nn.BatchNorm2d(out_channels),
            )
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        if self.residual_kind == "none":
            shortcut = 0
        elif self.residual_kind == "identity":
            shortcut = x
        else:
            shortcut = self.residual(x)
        y = self.tcn(self.gcn(x, adjacency)) + shortcut
        return self.relu(y)


class STGCN(nn.Module):
    """The ST-GCN encoder of HiCLR: ``data_bn`` = BatchNorm1d(V*C) with bodies as batch rows, ten blocks of
    widths h,h,h,h,2h,2h,2h,4h,4h,hidden_dim (temporal stride 2 at blocks 5 and 8, no residual and no dropout in
    block 1), global average pooling over (T, V), the mean over bodies, and ``fc``.

    ``mlp=True`` makes ``fc`` the MoCo projection ``Sequential(Linear(d, d), ReLU, Linear(d, num_class))``.
    The edge importances are parameters ``edge_importance1`` ... ``edge_importance10`` of the model itself.
    Input (N, C, T, V, M); output (N, num_class).
    """

    def __init__(self, in_channels: int = 3, hidden_channels: int = 16, hidden_dim: int = 256,
                 num_class: int = 60, dropout: float = 0.5, joints: int = 25, mlp: bool = False,
                 temporal_kernel: int = 9):
        super().__init__()
        adjacency = torch.tensor(ntu_spatial_adjacency(joints))
        self.register_buffer("A", adjacency)
        subsets = adjacency.shape[0]
        self.data_bn = nn.BatchNorm1d(in_channels * joints)
        h = hidden_channels
        widths = [h, h, h, h, 2 * h, 2 * h, 2 * h, 4 * h, 4 * h, hidden_dim]
        strides = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
        blocks = []
        previous = in_channels
        for index, (width, stride) in enumerate(zip(widths, strides)):
            blocks.append(STGCNBlock(previous, width, subsets, temporal_kernel, stride,
                                     dropout=0.0 if index == 0 else dropout, residual=index > 0))
            previous = width
        self.st_gcn_networks = nn.ModuleList(blocks)
        if mlp:
            self.fc = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, num_class))
        else:
            self.fc = nn.Linear(hidden_dim, num_class)
        for index in range(1, len(blocks) + 1):
            self.register_parameter(f"edge_importance{index}", nn.Parameter(torch.ones_like(adjacency)))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The pooled (N, hidden_dim) features before ``fc``."""
        n, c, t, v, m = x.shape
        # (N, C, T, V, M) -> (N*M, V*C, T): every body is a row of data_bn's batch.
        y = x.permute(0, 4, 3, 1, 2).contiguous().view(n * m, v * c, t)
        y = self.data_bn(y)
        y = y.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).contiguous().view(n * m, c, t, v)
        for index, block in enumerate(self.st_gcn_networks):
            y = block(y, self.A * getattr(self, f"edge_importance{index + 1}"))
        y = F.avg_pool2d(y, y.shape[2:])
        return y.view(n, m, -1).mean(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


@dataclass
class LossTerms:
    info_nce: torch.Tensor
    consistency_1: torch.Tensor
    consistency_2: torch.Tensor
    total: torch.Tensor
    positives: torch.Tensor


class HiCLR(nn.Module):
    """The pretraining model: ``mask_param``, ``queue`` (feature_dim, K) of unit columns, ``queue_ptr``,
    ``encoder_q`` and its momentum copy ``encoder_k`` (both with the MLP head to ``feature_dim``)."""

    def __init__(self, in_channels: int = 3, hidden_channels: int = 16, hidden_dim: int = 256,
                 feature_dim: int = 128, queue_size: int = 32768, momentum: float = 0.999,
                 temperature: float = 0.07, dropout: float = 0.5, joints: int = 25, mlp: bool = True):
        super().__init__()
        self.K = queue_size
        self.m = momentum
        self.T = temperature
        self.register_parameter("mask_param", nn.Parameter(torch.zeros(1)))
        kwargs = dict(in_channels=in_channels, hidden_channels=hidden_channels, hidden_dim=hidden_dim,
                      num_class=feature_dim, dropout=dropout, joints=joints, mlp=mlp)
        self.encoder_q = STGCN(**kwargs)
        self.encoder_k = STGCN(**kwargs)
        for q, k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            k.data.copy_(q.data)
            k.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(feature_dim, queue_size), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    # -- the pieces of a step -------------------------------------------------------------------------------

    @torch.no_grad()
    def momentum_update(self) -> None:
        """theta_k <- m theta_k + (1 - m) theta_q for parameters (buffers stay the key encoder's own)."""
        for q, k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            k.data = k.data * self.m + q.data * (1.0 - self.m)

    @torch.no_grad()
    def enqueue(self, keys: torch.Tensor) -> None:
        """Writes the keys as queue columns ptr .. ptr+B-1 and advances ptr by B (mod K)."""
        b = keys.shape[0]
        ptr = int(self.queue_ptr)
        assert self.K % b == 0, "queue size must be a multiple of the batch"
        self.queue[:, ptr:ptr + b] = keys.T
        self.queue_ptr[0] = (ptr + b) % self.K

    def apply_mask(self, x: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """``x`` (N, C, T, V, M) with the joints where ``hidden`` (N, T, V) is true replaced by ``mask_param``
        (every coordinate of every body). Differentiable in ``mask_param``."""
        keep = (~hidden.bool())[:, None, :, :, None].to(x.dtype).expand_as(x)
        return x * keep + self.mask_param * (1 - keep)

    def logits(self, z: torch.Tensor, k: torch.Tensor, queue: torch.Tensor) -> torch.Tensor:
        positive = (z * k).sum(dim=1, keepdim=True)
        negative = z @ queue
        return torch.cat([positive, negative], dim=1) / self.T

    def loss(self, q, k, q1, q2, queue, mining: bool) -> LossTerms:
        lq, lq1, lq2 = self.logits(q, k, queue), self.logits(q1, k, queue), self.logits(q2, k, queue)
        positives = torch.zeros_like(lq)
        positives[:, 0] = 1
        if mining:
            for l in (lq, lq1, lq2):
                top = l[:, 1:].detach().argmax(dim=1)
                positives[torch.arange(l.shape[0]), 1 + top] = 1
        log_p = F.log_softmax(lq, dim=1)
        info_nce = (-(log_p * positives).sum(dim=1) / positives.sum(dim=1)).mean()
        target1 = F.softmax(lq.detach(), dim=1)
        target2 = F.softmax(lq1.detach(), dim=1)
        c1 = -(target1 * F.log_softmax(lq1, dim=1)).sum(dim=1).mean()
        c2 = -(target2 * F.log_softmax(lq2, dim=1)).sum(dim=1).mean()
        total = info_nce + (c1 + c2) / 2
        return LossTerms(info_nce, c1, c2, total, positives)

    def train_step(self, q_view, k_view, q1_view, q2_view, q2_hidden, optimizer: torch.optim.Optimizer,
                   mining: bool, keep_grads: bool = False) -> Dict[str, torch.Tensor]:
        """One optimisation step (module order above). Returns the loss terms, the positive mask and, with
        ``keep_grads``, copies of the gradients of every trainable parameter (before the optimiser step)."""
        self.train()
        q2_view = self.apply_mask(q2_view, q2_hidden)
        q = F.normalize(self.encoder_q(q_view), dim=1)
        q1 = F.normalize(self.encoder_q(q1_view), dim=1)
        q2 = F.normalize(self.encoder_q(q2_view), dim=1)
        with torch.no_grad():
            self.momentum_update()
            k = F.normalize(self.encoder_k(k_view), dim=1)
        queue = self.queue.clone()
        terms = self.loss(q, k, q1, q2, queue, mining)
        self.enqueue(k)
        optimizer.zero_grad()
        terms.total.backward()
        grads: Dict[str, torch.Tensor] = {}
        if keep_grads:
            for name, p in self.named_parameters():
                if p.grad is not None:
                    grads[name] = p.grad.detach().clone()
        optimizer.step()
        out = {"info_nce": terms.info_nce.detach(), "consistency_1": terms.consistency_1.detach(),
               "consistency_2": terms.consistency_2.detach(), "total": terms.total.detach(),
               "positives": terms.positives.detach()}
        out.update({"grad." + n: g for n, g in grads.items()})
        return out


def reference_init_(module: nn.Module, generator: Optional[torch.Generator] = None) -> None:
    """The pretraining processors' initialisation: conv and linear weights N(0, 0.02), biases 0, batch-norm
    weights N(1, 0.02), batch-norm biases 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            with torch.no_grad():
                m.weight.normal_(0.0, 0.02, generator=generator)
                if m.bias is not None:
                    m.bias.zero_()
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.normal_(1.0, 0.02, generator=generator)
                m.bias.zero_()

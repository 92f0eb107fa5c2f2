"""One rank of the 2-process DDP test (test_ddp.py starts two of these): streams the fixture shards with
ShardStream (rank and world from torch.distributed), records which samples it saw under drop_last and pad, then
trains a small encoder with DistributedDataParallel for a few steps and records its losses and final parameters.
Usage: ddp_worker.py RANK WORLD PORT SHARDS PIPELINE OUT.pt"""

import os
import sys
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F

import hiclr.torch as ht


class TinyEncoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8, 16)

    def forward(self, x):  # (B, 3, 50, 25, 2) → (B, 16)
        b = x.shape[0]
        x = x.permute(0, 4, 1, 2, 3).reshape(b * 2, 3, 50, 25)
        x = F.relu(self.bn(self.conv(x))).mean(dim=(2, 3)).view(b, 2, 8).mean(1)
        return F.normalize(self.fc(x), dim=1)


def main():
    rank, world, port, shards, pipeline, out = sys.argv[1:7]
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
    dist.init_process_group("gloo", rank=int(rank), world_size=int(world), timeout=timedelta(seconds=60))
    torch.manual_seed(0)  # same initial weights everywhere (DDP also broadcasts rank 0's)
    result = {"rank": dist.get_rank(), "world": dist.get_world_size()}
    for policy in ("drop_last", "pad"):
        stream = ht.ShardStream(shards, benchmark="xview", pipeline=pipeline, seed=9, batch_size=7, workers=2,
                                drop_last=policy == "drop_last")
        assert (stream.rank, stream.world) == (dist.get_rank(), dist.get_world_size())
        result[policy] = {epoch: [] for epoch in (0, 1)}
        for epoch in (0, 1):
            stream.set_epoch(epoch)
            for batch in stream:
                result[policy][epoch] += batch["index"].tolist()
    model = torch.nn.parallel.DistributedDataParallel(TinyEncoder())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=pipeline, seed=9, batch_size=2, workers=2)
    losses = []
    for epoch in (0, 1):
        stream.set_epoch(epoch)
        for batch in stream:
            # One DDP forward per step (a second one would re-broadcast the batch-norm buffers in place).
            q, k = model(torch.cat([batch["q1"], batch["k"]])).chunk(2)
            loss = F.cross_entropy(q @ k.t() / 0.2, torch.arange(q.shape[0]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
    result["losses"] = losses
    result["parameters"] = torch.cat([p.detach().flatten() for p in model.module.parameters()])
    result["buffers"] = {k: v.clone() for k, v in model.module.state_dict().items() if "running" in k}
    torch.save(result, out)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

"""HiCLR pretraining in PyTorch with DistributedDataParallel, fed by the Swift loader (hiclr.torch.ShardStream).

    torchrun --nproc_per_node=2 examples/pretrain_torch.py --config configs/fixtures_tiny.yaml
    python3 examples/pretrain_torch.py --config configs/fixtures_tiny.yaml          # one process

(Debian's torch 1.13 under Python 3.11: its torchrun fails on the default `--redirects 0` with "'NoneType' object
has no attribute 'get'"; add `--redirects 1 --tee 1`.)

The config is the one `hiclr train` reads (shards, benchmark, part, pipeline, stream, seed, output, model, moco,
optimizer, schedule). Each rank streams its disjoint share of every epoch (rank and world from torch.distributed);
`schedule.batch` is the batch per rank. gloo on CPU, nccl when CUDA is present (one GPU per local rank).
Rank 0 writes `<output>/torch/epoch_NNNN.h5` in our checkpoint layout (state_dict, momentum buffers, config), which
`hiclr eval knn --checkpoint ...` and `hiclr train --resume ...` read; `--resume` continues from one exactly.

MoCo over several ranks: the keys of all ranks are gathered before they enter the queue (so every rank holds the
same queue), and `encoder_q` with `mask_param` is the DDP module (one forward computes q, q1, q2; encoder_k
follows by momentum outside DDP). The model is hiclr.torch.models.HiCLR (the reference's state_dict keys).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
import yaml

REPO = Path(__file__).resolve().parents[1]
try:
    import hiclr  # noqa: F401  (pip install ./python)
except ImportError:
    sys.path.insert(0, str(REPO / "python"))  # run from the checkout

import hiclr.torch as ht  # noqa: E402
from hiclr import checkpoint  # noqa: E402
from hiclr.torch import models  # noqa: E402

BONE_PARENTS = [1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 20, 22, 7, 24, 11]


def derive(x, stream):
    """The stream the config trains on, from the augmented joint view (as the Swift trainer derives it)."""
    if stream == "joint":
        return x
    if stream == "bone":
        return x - x[:, :, :, BONE_PARENTS]
    if stream == "motion":
        out = torch.zeros_like(x)
        out[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
        return out
    raise SystemExit(f"unknown stream {stream!r}")


class QueryBranch(nn.Module):
    """What DDP wraps: mask_param and encoder_q of the HiCLR model (shared, not copied); one forward gives the
    normalised q, q1 and q2 embeddings, so gradients are all-reduced once per step."""

    def __init__(self, model):
        super().__init__()
        self.model = model  # registered for DDP's parameter list; encoder_k's parameters do not need gradients

    def forward(self, q, q1, q2, hidden):
        m = self.model
        q2 = m.apply_mask(q2, hidden)
        return (F.normalize(m.encoder_q(q), dim=1), F.normalize(m.encoder_q(q1), dim=1),
                F.normalize(m.encoder_q(q2), dim=1))


def gather(keys):
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return keys
    parts = [torch.empty_like(keys) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, keys.contiguous())
    return torch.cat(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--epochs", type=int, help="stop after this many epochs in total (default: the config's)")
    parser.add_argument("--resume", help="checkpoint to continue from (written by this script or hiclr train)")
    parser.add_argument("--output", help="checkpoint folder (default: <config output>/torch)")
    parser.add_argument("--workers", type=int, help="Swift loader threads per rank (default: schedule.workers)")
    args = parser.parse_args()

    config_text = Path(args.config).read_text()
    config = yaml.safe_load(config_text)
    model_cfg, moco, opt_cfg, schedule = config["model"], config["moco"], config["optimizer"], config["schedule"]

    cuda = torch.cuda.is_available()
    distributed = "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)

    def relative(path):  # config paths are relative to the repository, as for `hiclr train`
        return Path(path) if Path(path).is_absolute() else REPO / path

    batch = int(schedule["batch"])
    queue = int(moco["queue"])
    if queue % (batch * world):
        raise SystemExit(f"moco.queue {queue} must be a multiple of batch × world = {batch * world}")
    stream = ht.ShardStream(relative(config["shards"]), benchmark=config.get("benchmark"),
                            part=config.get("part", "train"), pipeline=relative(config["pipeline"]),
                            seed=int(config.get("seed", 0)), batch_size=batch,
                            workers=args.workers or int(schedule.get("workers", 2)), drop_last=True,
                            pin_memory=cuda)

    torch.manual_seed(int(config.get("seed", 0)))
    model = models.HiCLR(hidden_channels=model_cfg["hidden_channels"], hidden_dim=model_cfg["hidden_dim"],
                  feature_dim=model_cfg["feature_dim"], queue_size=queue, momentum=moco["momentum"],
                  temperature=moco["temperature"], dropout=model_cfg["dropout"])
    if hasattr(models, "reference_init_"):  # the reference processors' initialisation, as `hiclr train`
        models.reference_init_(model.encoder_q)
        model.encoder_k.load_state_dict(model.encoder_q.state_dict())
    model = model.to(device)
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=opt_cfg["lr"],
                                momentum=opt_cfg["momentum"], weight_decay=opt_cfg["weight_decay"])
    names = {p: n for n, p in model.named_parameters()}
    start_epoch = 0
    if args.resume:
        state = checkpoint.load(args.resume, optimizer=True)
        buffers = {k[len("optimizer.momentum_buffer."):]: v for k, v in state.items()
                   if k.startswith("optimizer.momentum_buffer.")}
        model.load_state_dict({k: v for k, v in state.items() if not k.startswith("optimizer.")}, strict=True)
        for p in optimizer.param_groups[0]["params"]:
            if names[p] in buffers:
                optimizer.state[p]["momentum_buffer"] = buffers[names[p]].to(device).view_as(p).clone()
        start_epoch = int(checkpoint.attributes(args.resume)["epoch"])
    # Every rank starts from rank 0's weights and queue.
    if distributed:
        for tensor in model.state_dict().values():
            dist.broadcast(tensor, 0)
    ddp = nn.parallel.DistributedDataParallel(QueryBranch(model), device_ids=[device.index] if cuda else None) \
        if distributed else QueryBranch(model)

    epochs = args.epochs or int(schedule["epochs"])
    output = Path(args.output) if args.output else relative(config["output"]) / "torch"
    every = int(schedule.get("checkpoint_every", 1))
    lam = float(moco.get("lambda", 0.5))
    for epoch in range(start_epoch, epochs):
        lr = opt_cfg["lr"] * opt_cfg.get("gamma", 0.1) ** sum(epoch >= m for m in opt_cfg.get("milestones", []))
        for group in optimizer.param_groups:
            group["lr"] = lr
        stream.set_epoch(epoch)
        mining = epoch >= int(moco.get("mining_epoch", 10 ** 9))
        model.train()
        sums, steps, samples, start = torch.zeros(4), 0, 0, time.time()
        for b in stream:
            views = {k: derive(b[k].to(device, non_blocking=True), config.get("stream", "joint"))
                     for k in ("q", "k", "q1", "q2")}
            hidden = b["q2_mask"].to(device, non_blocking=True)
            q, q1, q2 = ddp(views["q"], views["q1"], views["q2"], hidden)
            with torch.no_grad():
                model.momentum_update()
                k = F.normalize(model.encoder_k(views["k"]), dim=1)
            terms = model.loss(q, k, q1, q2, model.queue.clone(), mining)
            total = terms.info_nce + lam * (terms.consistency_1 + terms.consistency_2)
            optimizer.zero_grad()
            total.backward()
            optimizer.step()
            model.enqueue(gather(k))
            sums += torch.stack([total.detach(), terms.info_nce.detach(), terms.consistency_1.detach(),
                                 terms.consistency_2.detach()]).cpu()
            steps += 1
            samples += b["q"].shape[0]
        if distributed:
            dist.all_reduce(sums)
            sums /= world
        mean = (sums / max(steps, 1)).tolist()
        if rank == 0:
            print(f"epoch {epoch + 1}/{epochs} lr {lr:g} loss {mean[0]:.4f} (info_nce {mean[1]:.4f}, consistency "
                  f"{mean[2]:.4f}, {mean[3]:.4f}) {samples * world / max(time.time() - start, 1e-9):.1f} samples/s "
                  f"on {world} rank(s)", flush=True)
        done = epoch + 1
        if rank == 0 and (done % every == 0 or done == epochs):
            output.mkdir(parents=True, exist_ok=True)
            path = output / f"epoch_{done:04d}.h5"
            momentum = {names[p]: s["momentum_buffer"] for p, s in optimizer.state.items() if "momentum_buffer" in s}
            checkpoint.save(path, model.state_dict(), optimizer=momentum,
                            attributes=checkpoint.train_attributes(config_text, done, config.get("seed", 0),
                                                                   config.get("name", "pytorch"),
                                                                   config.get("stream", "joint")))
            print(f"checkpoint {path}", flush=True)
    stream.close()
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch (CPU) counterpart of `hiclr bench engine`, and a cross-check of the NumPy golden.

The model is rebuilt here from the reference's structure (net/st_gcn.py, net/utils/tgcn.py,
net/utils/graph.py of HiCLR) with the same module names, so its `state_dict` keys are the
reference's: edge_importance1..10, A, data_bn.*, st_gcn_networks.i.{gcn.conv, tcn.0, tcn.2,
tcn.3, residual.0, residual.1}.*, fc.0.*, fc.2.*.

  python3 scripts/bench_torch_stgcn.py --batch 128 --steps 3 [--threads 2]
  python3 scripts/bench_torch_stgcn.py --check-golden Tests/ModelsTests/Golden/stgcn_tiny.json

Needs torch (Debian: apt-get install python3-torch; run with /usr/bin/python3).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from golden_stgcn import graph_spatial  # noqa: E402  (NumPy port of the reference Graph)


class GraphConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.k = k
        self.conv = nn.Conv2d(cin, cout * k, kernel_size=(1, 1))

    def forward(self, x, a):
        x = self.conv(x)
        n, kc, t, v = x.size()
        return torch.einsum("nkctv,kvw->nctw", x.view(n, self.k, kc // self.k, t, v), a).contiguous()


class Block(nn.Module):
    def __init__(self, cin, cout, stride, dropout, residual):
        super().__init__()
        self.gcn = GraphConv(cin, cout, 3)
        self.tcn = nn.Sequential(nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                                 nn.Conv2d(cout, cout, (9, 1), (stride, 1), (4, 0)),
                                 nn.BatchNorm2d(cout), nn.Dropout(dropout, inplace=True))
        if not residual:
            self.residual = lambda x: 0
        elif cin == cout and stride == 1:
            self.residual = lambda x: x
        else:
            self.residual = nn.Sequential(nn.Conv2d(cin, cout, kernel_size=1, stride=(stride, 1)),
                                          nn.BatchNorm2d(cout))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x, a):
        res = self.residual(x)
        x = self.gcn(x, a)
        return self.relu(self.tcn(x) + res)


class Model(nn.Module):
    def __init__(self, cin=3, h=16, hidden_dim=256, features=128, dropout=0.5):
        super().__init__()
        self.register_buffer("A", torch.tensor(graph_spatial(), dtype=torch.float32))
        self.data_bn = nn.BatchNorm1d(cin * 25)          # HiCLR net/st_gcn.py line 25: in_channels * V
        widths = [h, h, h, h, 2 * h, 2 * h, 2 * h, 4 * h, 4 * h, hidden_dim]
        strides = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
        ins = [cin] + widths[:-1]
        self.st_gcn_networks = nn.ModuleList(
            Block(i, o, s, dropout if n > 0 else 0.0, n > 0) for n, (i, o, s) in enumerate(zip(ins, widths, strides)))
        self.fc = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, features))
        for i in range(10):
            self.register_parameter("edge_importance%d" % (i + 1), nn.Parameter(torch.ones(self.A.size())))

    def forward(self, x):
        n, c, t, v, m = x.size()
        x = x.permute(0, 4, 3, 1, 2).contiguous().view(n * m, v * c, t)   # lines 106-108
        x = self.data_bn(x)
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).contiguous().view(n * m, c, t, v)
        for i, block in enumerate(self.st_gcn_networks):
            x = block(x, self.A * getattr(self, "edge_importance%d" % (i + 1)))
        x = F.avg_pool2d(x, x.size()[2:]).view(n, m, -1).mean(dim=1)
        return self.fc(x), x


def check_golden(path):
    g = json.load(open(path))
    t = {k: torch.tensor(np.array(v["data"], dtype=np.float32).reshape(v["shape"])) for k, v in g["tensors"].items()}
    s = g["scalars"]
    state = {k[len("state:"):]: v for k, v in t.items() if k.startswith("state:")}
    state = {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in state.items()}
    model = Model(3, int(s["hidden_channels"]), int(s["hidden_dim"]), int(s["features"]), dropout=0.0)
    model.load_state_dict(state, strict=True)          # names and shapes are the reference's
    if list(model.state_dict().keys()) != g["state_order"]:
        print("state_dict order differs from the golden's state_order")
        return False
    worst = 0.0
    with torch.no_grad():
        model.eval()
        out, feat = model(t["input"])
        worst = max(worst, (out - t["output_eval"]).abs().max().item(), (feat - t["feature_eval"]).abs().max().item())
        model.train()
        out, feat = model(t["input"])
        worst = max(worst, (out - t["output_train"]).abs().max().item(), (feat - t["feature_train"]).abs().max().item())
        for key in ["data_bn.running_mean", "data_bn.running_var", "st_gcn_networks.9.tcn.3.running_var",
                    "st_gcn_networks.7.residual.1.running_mean"]:
            worst = max(worst, (model.state_dict()[key] - t["trained:" + key]).abs().max().item())
    print("golden vs PyTorch: max |difference| = %.3g over %d state keys" % (worst, len(state)))
    return worst < 1e-4


def bench(batch, steps, warmup, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=False)
    x = torch.randn(batch, 3, 50, 25, 2)
    target = torch.randn(batch, 128)
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        out, _ = model(x)
        loss = ((out - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    ms = 1000 * float(np.median(times))
    print("torch %s, %d threads: batch %d, forward+backward+SGD %.0f ms/step (median of %d)"
          % (torch.__version__, threads, batch, ms, steps))
    return ms


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=128, help="samples per step")
    p.add_argument("--steps", type=int, default=3, help="timed steps")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads")
    p.add_argument("--check-golden", metavar="JSON", help="compare the model with a golden file instead")
    a = p.parse_args()
    if a.check_golden:
        sys.exit(0 if check_golden(a.check_golden) else 1)
    bench(a.batch, a.steps, a.warmup, a.threads)


if __name__ == "__main__":
    main()

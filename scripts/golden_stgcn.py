#!/usr/bin/env python3
"""Golden forward values of a tiny ST-GCN (the reference structure at hidden_channels=2,
hidden_dim=8, MLP head to 4 features), computed independently with NumPy.

Run once from the repository root:  python3 scripts/golden_stgcn.py
Writes Tests/ModelsTests/Golden/stgcn_tiny.json (same format as the Tensor goldens, see
Tests/TensorTests/Golden/README.md). State tensors are named "state:<state_dict key>".

The graph is a transcription of the reference `net/utils/graph.py` (ntu-rgb+d, spatial,
max_hop=1); the network follows `net/st_gcn.py` (HiCLR naming: edge_importance1..10) with the
MoCo MLP head `fc = Sequential(Linear, ReLU, Linear)`. Dropout is 0 here (training-mode dropout is
random); batch norm is checked in training mode (batch statistics + running-stat update) and in
evaluation mode (running statistics).
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelsTests", "Golden")
EDGES_1BASED = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9),
                (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
                (20, 19), (22, 23), (23, 8), (24, 25), (25, 12)]


def graph_spatial(num_node=25, center=20, max_hop=1):
    edge = [(i, i) for i in range(num_node)] + [(i - 1, j - 1) for i, j in EDGES_1BASED]
    a = np.zeros((num_node, num_node))
    for i, j in edge:
        a[j, i] = 1
        a[i, j] = 1
    hop_dis = np.zeros((num_node, num_node)) + np.inf
    arrive = np.stack([np.linalg.matrix_power(a, d) for d in range(max_hop + 1)]) > 0
    for d in range(max_hop, -1, -1):
        hop_dis[arrive[d]] = d
    valid_hop = range(0, max_hop + 1)
    adjacency = np.zeros((num_node, num_node))
    for hop in valid_hop:
        adjacency[hop_dis == hop] = 1
    dl = adjacency.sum(0)
    dn = np.diag([1 / x if x > 0 else 0 for x in dl])
    norm = adjacency @ dn
    out = []
    for hop in valid_hop:
        root, close, further = (np.zeros((num_node, num_node)) for _ in range(3))
        for i in range(num_node):
            for j in range(num_node):
                if hop_dis[j, i] == hop:
                    if hop_dis[j, center] == hop_dis[i, center]:
                        root[j, i] = norm[j, i]
                    elif hop_dis[j, center] > hop_dis[i, center]:
                        close[j, i] = norm[j, i]
                    else:
                        further[j, i] = norm[j, i]
        if hop == 0:
            out.append(root)
        else:
            out.append(root + close)
            out.append(further)
    return np.stack(out)


def bn(x, axis, p, prefix, training, momentum=0.1, eps=1e-5):
    """BatchNorm over `axis`; updates p[prefix + running_*] in training mode."""
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        n = x.size // x.shape[axis]
        p[prefix + "running_mean"] = (1 - momentum) * p[prefix + "running_mean"] + momentum * mean
        p[prefix + "running_var"] = (1 - momentum) * p[prefix + "running_var"] + momentum * var * n / (n - 1)
        p[prefix + "num_batches_tracked"] = p[prefix + "num_batches_tracked"] + 1
    else:
        mean, var = p[prefix + "running_mean"], p[prefix + "running_var"]
    return ((x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * p[prefix + "weight"].reshape(shape)
            + p[prefix + "bias"].reshape(shape))


def conv(x, w, b, stride=1):
    """Conv2d kernel (k, 1), stride (s, 1), padding ((k-1)/2, 0) on (B, C, T, V)."""
    k = w.shape[2]
    pad = (k - 1) // 2
    bsz, ci, t, v = x.shape
    tout = (t + 2 * pad - k) // stride + 1
    xp = np.zeros((bsz, ci, t + 2 * pad, v))
    xp[:, :, pad:pad + t] = x
    y = np.stack([np.einsum("bikv,oik->bov", xp[:, :, o * stride:o * stride + k], w[:, :, :, 0])
                  for o in range(tout)], axis=2)
    return y + b[None, :, None, None]


def block_shapes(cin, h, hidden_dim):
    widths = [h, h, h, h, 2 * h, 2 * h, 2 * h, 4 * h, 4 * h, hidden_dim]
    strides = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
    ins = [cin] + widths[:-1]
    return list(zip(ins, widths, strides))


def make_state(rng, cin, h, hidden_dim, features, a):
    s = {}
    shapes = block_shapes(cin, h, hidden_dim)
    for i in range(10):
        s["edge_importance%d" % (i + 1)] = 1 + 0.2 * rng.standard_normal(a.shape)
    s["A"] = a

    def add_bn(prefix, c):
        s[prefix + "weight"] = 1 + 0.2 * rng.standard_normal(c)
        s[prefix + "bias"] = 0.2 * rng.standard_normal(c)
        s[prefix + "running_mean"] = 0.2 * rng.standard_normal(c)
        s[prefix + "running_var"] = rng.uniform(0.5, 1.5, c)
        s[prefix + "num_batches_tracked"] = np.array(0.0)

    # data_bn is BatchNorm1d(in_channels * V) (HiCLR net/st_gcn.py line 25): 75 channels for 3-D NTU joints.
    add_bn("data_bn.", 25 * cin)
    for i, (ci, co, stride) in enumerate(shapes):
        p = "st_gcn_networks.%d." % i
        s[p + "gcn.conv.weight"] = rng.standard_normal((3 * co, ci, 1, 1)) / np.sqrt(ci)
        s[p + "gcn.conv.bias"] = 0.1 * rng.standard_normal(3 * co)
        add_bn(p + "tcn.0.", co)
        s[p + "tcn.2.weight"] = rng.standard_normal((co, co, 9, 1)) / np.sqrt(9 * co)
        s[p + "tcn.2.bias"] = 0.1 * rng.standard_normal(co)
        add_bn(p + "tcn.3.", co)
        if i > 0 and (ci != co or stride != 1):
            s[p + "residual.0.weight"] = rng.standard_normal((co, ci, 1, 1)) / np.sqrt(ci)
            s[p + "residual.0.bias"] = 0.1 * rng.standard_normal(co)
            add_bn(p + "residual.1.", co)
    s["fc.0.weight"] = rng.standard_normal((hidden_dim, hidden_dim)) / np.sqrt(hidden_dim)
    s["fc.0.bias"] = 0.1 * rng.standard_normal(hidden_dim)
    s["fc.2.weight"] = rng.standard_normal((features, hidden_dim)) / np.sqrt(hidden_dim)
    s["fc.2.bias"] = 0.1 * rng.standard_normal(features)
    # Round to float32 once so both sides start from identical values.
    return {k: np.asarray(np.float32(v), dtype=np.float64) for k, v in s.items()}


def forward(x, p, cin, h, hidden_dim, training):
    n, c, t, v, m = x.shape
    # HiCLR net/st_gcn.py lines 106-108: permute to (N, M, V, C, T) and view as (N*M, V*C, T), so the two
    # bodies are separate rows of the batch for data_bn.
    y = x.transpose(0, 4, 3, 1, 2).reshape(n * m, v * c, t)
    y = bn(y, 1, p, "data_bn.", training)
    y = y.reshape(n, m, v, c, t).transpose(0, 1, 3, 4, 2).reshape(n * m, c, t, v)
    for i, (ci, co, stride) in enumerate(block_shapes(cin, h, hidden_dim)):
        q = "st_gcn_networks.%d." % i
        a = p["A"] * p["edge_importance%d" % (i + 1)]
        if i == 0:
            res = 0
        elif ci == co and stride == 1:
            res = y
        else:
            res = bn(conv(y[:, :, ::stride], p[q + "residual.0.weight"], p[q + "residual.0.bias"]), 1, p,
                     q + "residual.1.", training)
        g = conv(y, p[q + "gcn.conv.weight"], p[q + "gcn.conv.bias"])
        b_, _, tt, _ = g.shape
        g = np.einsum("nkctv,kvw->nctw", g.reshape(b_, 3, co, tt, v), a)
        g = np.maximum(bn(g, 1, p, q + "tcn.0.", training), 0)
        g = bn(conv(g, p[q + "tcn.2.weight"], p[q + "tcn.2.bias"], stride), 1, p, q + "tcn.3.", training)
        y = np.maximum(g + res, 0)
    feat = y.mean(axis=(2, 3)).reshape(n, m, -1).mean(axis=1)
    hid = np.maximum(feat @ p["fc.0.weight"].T + p["fc.0.bias"], 0)
    return hid @ p["fc.2.weight"].T + p["fc.2.bias"], feat


def tensor(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(np.float32(v)) for v in a.reshape(-1)]}


def main():
    rng = np.random.default_rng(7)
    cin, h, hidden_dim, features = 3, 2, 8, 4
    a = graph_spatial()
    state = make_state(rng, cin, h, hidden_dim, features, a)
    x = np.float32(rng.standard_normal((2, cin, 8, 25, 2))).astype(np.float64)
    x[1, :, :, :, 1] = 0          # second sample has one body, as in real data
    eval_state = dict(state)
    out_eval, feat_eval = forward(x, eval_state, cin, h, hidden_dim, training=False)
    train_state = dict(state)
    out_train, feat_train = forward(x, train_state, cin, h, hidden_dim, training=True)
    tensors = {"state:" + k: v for k, v in state.items()}
    tensors.update({"input": x, "graph_A": a, "output_eval": out_eval, "feature_eval": feat_eval,
                    "output_train": out_train, "feature_train": feat_train,
                    "trained:data_bn.running_mean": train_state["data_bn.running_mean"],
                    "trained:data_bn.running_var": train_state["data_bn.running_var"],
                    "trained:st_gcn_networks.9.tcn.3.running_var": train_state["st_gcn_networks.9.tcn.3.running_var"],
                    "trained:st_gcn_networks.7.residual.1.running_mean":
                        train_state["st_gcn_networks.7.residual.1.running_mean"]})
    body = {"description": "tiny ST-GCN (hidden 2, hidden_dim 8, mlp head 4), N=2 T=8 V=25 M=2",
            "state_order": list(state.keys()),
            "scalars": {"hidden_channels": h, "hidden_dim": hidden_dim, "features": features},
            "tensors": {k: tensor(v) for k, v in tensors.items()}}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "stgcn_tiny.json"), "w") as f:
        json.dump(body, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Golden for the step-parity tests (issue 14): two HiCLR pretraining steps and a few linear-evaluation steps
computed with the project's PyTorch models (python/hiclr/torch/models.py), in float64 from float32 inputs.

Run with Debian's Python (torch, h5py):  /usr/bin/python3 scripts/golden_train_step.py
Writes Tests/TrainTests/Golden/train_step.h5:

  attrs                 the settings below (tiny encoder, batch 4, queue 16, dropout 0)
  init/<key>            the HiCLR state_dict before step 1 (queue_ptr 12, so step 1 wraps it to 0)
  step1/, step2/        step 1 without mining (reference epoch <= mining_epoch), step 2 with nearest-neighbour
                        mining (epoch > mining_epoch), continuing from step 1 (SGD momentum buffers carry over):
    q, k, q1, q2        the four views (N, C, T, V, M) (pretrain_hiclr.py: data1, data2, data3, data4)
    q2_hidden           (N, T, V) uint8, 1 = joint hidden in q2 (takes mask_param)
    info_nce, consistency_1, consistency_2, total, positives (N, 1 + K)
    grad/<name>         gradient of every trainable parameter (mask_param, encoder_q.*) before the SGD step
    state/<key>         the whole state_dict after the step (encoder_q, encoder_k, queue, queue_ptr, mask_param)
    momentum/<name>     SGD momentum buffers after the step
    attrs of grad/, state/: per tensor, the relative error of the same step run by PyTorch in float32
  linear/               linear evaluation (processor/linear_evaluation.py): frozen encoder in eval mode, only
                        fc trained by SGD(lr 3.0, momentum 0.9, no Nesterov, weight decay 0), cross-entropy:
    encoder/<key>       the encoder state_dict (linear fc head to `classes`)
    x<i>, labels<i>     batch i input and labels;  fc.weight<i>, fc.bias<i>  fc after step i (i = 1..3)

Every fact mirrored here cites the reference in python/hiclr/torch/models.py and docs/training-parity.md.
"""

import argparse
import copy
import importlib.util
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_models():
    path = os.path.join(ROOT, "python", "hiclr", "torch", "models.py")
    spec = importlib.util.spec_from_file_location("hiclr_torch_models", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SETTINGS = dict(hidden_channels=2, hidden_dim=8, feature_dim=8, queue_size=16, momentum=0.9, temperature=0.2,
                dropout=0.0, batch=4, frames=8, bodies=2, lr=0.1, sgd_momentum=0.9, weight_decay=1e-4,
                initial_queue_ptr=12, linear_classes=5, linear_lr=3.0, linear_steps=3)


def f32(t):
    """Round to float32 and back: every stored input is exactly representable for the Swift side."""
    return t.float().double()


def make_model(models, gen):
    s = SETTINGS
    torch.manual_seed(0)
    model = models.HiCLR(hidden_channels=s["hidden_channels"], hidden_dim=s["hidden_dim"],
                         feature_dim=s["feature_dim"], queue_size=s["queue_size"], momentum=s["momentum"],
                         temperature=s["temperature"], dropout=s["dropout"]).double()
    models.reference_init_(model, generator=gen)
    with torch.no_grad():
        # Non-trivial values wherever the step reads them, so that every path is exercised.
        for name, p in model.encoder_q.named_parameters():
            if name.startswith("edge_importance"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
            elif name.endswith("bias") and not name.startswith("fc."):
                p.copy_(0.05 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
        for mq, mk in zip(model.encoder_q.modules(), model.encoder_k.modules()):
            if isinstance(mq, torch.nn.modules.batchnorm._BatchNorm):
                for m in (mq, mk):
                    m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=gen, dtype=torch.float64))
                    m.running_var.copy_(1 + 0.2 * torch.rand(m.running_var.shape, generator=gen, dtype=torch.float64))
                    m.num_batches_tracked.fill_(7)
        # A centred projection head with unit-scale weights: the pooled features of a fresh encoder share a
        # large positive mean (~0.9), which would otherwise make every view's feature point the same way.
        head = model.encoder_q.fc
        head[0].weight.copy_(torch.randn(head[0].weight.shape, generator=gen, dtype=torch.float64))
        head[0].bias.copy_(-head[0].weight.sum(dim=1) * 0.9)
        head[2].weight.copy_(torch.randn(head[2].weight.shape, generator=gen, dtype=torch.float64))
        # The key encoder lags the query encoder (as after some training), so the momentum update shows.
        for pq, pk in zip(model.encoder_q.parameters(), model.encoder_k.parameters()):
            pk.copy_(pq + 0.01 * torch.randn(pq.shape, generator=gen, dtype=pq.dtype))
        model.mask_param.fill_(0.3)
        model.queue.copy_(F.normalize(torch.randn(model.queue.shape, generator=gen, dtype=torch.float64), dim=0))
        model.queue_ptr.fill_(s["initial_queue_ptr"])
        for p in model.parameters():
            p.copy_(f32(p))
        for name, b in model.named_buffers():
            if b.is_floating_point():
                b.copy_(f32(b))
    return model


def make_views(gen):
    s = SETTINGS
    shape = (s["batch"], 3, s["frames"], 25, s["bodies"])
    views = {}
    for name in ("q", "k", "q1", "q2"):
        # A per-sample pose (constant over time) plus motion noise, so pooled features differ between samples.
        pose = torch.randn((shape[0], 3, 1, 25, shape[4]), generator=gen, dtype=torch.float64)
        x = pose + 0.3 * torch.randn(shape, generator=gen, dtype=torch.float64)
        x[2, :, :, :, 1] = 0            # a one-person sample: second body all zeros
        views[name] = f32(x)
    hidden = torch.rand((s["batch"], s["frames"], 25), generator=gen) < 0.1
    return views, hidden


def write_state(group, model, skip=()):
    for key, value in model.state_dict().items():
        if key.split(".")[-1] in skip:
            continue
        v = value.detach().cpu()
        if v.is_floating_point():
            group.create_dataset(key, data=v.float().numpy())
        else:
            group.create_dataset(key, data=v.numpy().astype(np.int64).reshape(v.shape))


def pretraining(models, out, gen):
    s = SETTINGS
    model = make_model(models, gen)
    write_state(out.create_group("init"), model)
    optimizer = torch.optim.SGD(model.parameters(), lr=s["lr"], momentum=s["sgd_momentum"], nesterov=False,
                                weight_decay=s["weight_decay"])
    # The same steps in float32: how far float32 arithmetic itself lands from the float64 result, per tensor.
    # Deep gradients of a small-batch MoCo step are ill-conditioned (batch-norm and L2-normalisation backward
    # subtract nearly equal terms), so the Swift test's bound is max(1e-5, a multiple of this floor).
    # Each step starts from the float64 state (the Swift test loads step1/state and step1/momentum before step 2):
    # a float32 engine's rounding compounds across steps through ReLU gates near zero, so states are compared
    # step by step, from the same starting point, as the reference step is defined.
    for step, mining in ((1, False), (2, True)):
        model32 = copy.deepcopy(model).float()
        optimizer32 = torch.optim.SGD(model32.parameters(), lr=s["lr"], momentum=s["sgd_momentum"], nesterov=False,
                                      weight_decay=s["weight_decay"])
        optimizer32.load_state_dict(optimizer.state_dict())
        views, hidden = make_views(gen)
        g = out.create_group(f"step{step}")
        g.attrs["mining"] = int(mining)
        for name, x in views.items():
            g.create_dataset(name, data=x.float().numpy())
        g.create_dataset("q2_hidden", data=hidden.numpy().astype(np.uint8))
        result = model.train_step(views["q"], views["k"], views["q1"], views["q2"], hidden, optimizer,
                                  mining=mining, keep_grads=True)
        for key in ("info_nce", "consistency_1", "consistency_2", "total"):
            g.attrs[key] = float(result[key])
        g.create_dataset("positives", data=result["positives"].float().numpy())
        views32 = {name: x.float() for name, x in views.items()}
        result32 = model32.train_step(views32["q"], views32["k"], views32["q1"], views32["q2"], hidden, optimizer32,
                                      mining=mining, keep_grads=True)

        def relative(a, b):
            return float((a.double() - b.double()).norm() / max(float(b.double().norm()), 1e-30))

        grads = g.create_group("grad")
        largest = max(float(v.norm()) for k, v in result.items() if k.startswith("grad."))
        for key, value in result.items():
            if key.startswith("grad."):
                grads.create_dataset(key[5:], data=value.float().numpy())
                # Relative to max(|g|, 1e-3 * largest gradient): biases feeding a batch norm have zero gradient.
                floor = max(float(value.norm()), 1e-3 * largest)
                grads.attrs[key[5:]] = float((result32[key].double() - value).norm()) / floor
        state = g.create_group("state")
        write_state(state, model, skip=("A",))     # the fixed adjacency is in init/ only
        momentum = g.create_group("momentum")
        for name, p in model.named_parameters():
            buffer = optimizer.state.get(p, {}).get("momentum_buffer")
            if buffer is not None:
                momentum.create_dataset(name, data=buffer.float().numpy())
        state32 = model32.state_dict()
        for key, value in model.state_dict().items():
            if value.is_floating_point() and not key.endswith(".A"):
                state.attrs[key] = relative(state32[key], value)
        print(f"step {step} (mining {mining}): info_nce {result['info_nce']:.6f} c1 {result['consistency_1']:.6f} "
              f"c2 {result['consistency_2']:.6f} total {result['total']:.6f}, positives per row "
              f"{result['positives'].sum(1).tolist()}, queue_ptr {int(model.queue_ptr)}")


def linear(models, out, gen):
    s = SETTINGS
    encoder = models.STGCN(hidden_channels=s["hidden_channels"], hidden_dim=s["hidden_dim"],
                           num_class=s["linear_classes"], dropout=0.5).double()
    models.reference_init_(encoder, generator=gen)
    with torch.no_grad():
        for m in encoder.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=gen, dtype=torch.float64))
                m.running_var.copy_(1 + 0.2 * torch.rand(m.running_var.shape, generator=gen, dtype=torch.float64))
        for name, p in encoder.named_parameters():
            if name.startswith("edge_importance"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
            if not name.startswith("fc."):
                p.requires_grad = False
        for t in list(encoder.parameters()) + [b for b in encoder.buffers() if b.is_floating_point()]:
            t.data.copy_(f32(t.data))
    g = out.create_group("linear")
    write_state(g.create_group("encoder"), encoder)
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    assert len(trainable) == 2
    optimizer = torch.optim.SGD(trainable, lr=s["linear_lr"], momentum=0.9, nesterov=False, weight_decay=0.0)
    criterion = torch.nn.CrossEntropyLoss()
    for step in range(1, s["linear_steps"] + 1):
        x = f32(0.5 * torch.randn((s["batch"], 3, s["frames"], 25, s["bodies"]), generator=gen, dtype=torch.float64))
        labels = torch.randint(0, s["linear_classes"], (s["batch"],), generator=gen)
        encoder.eval()                  # linear_evaluation.py: model.eval() during training too
        loss = criterion(encoder(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        g.create_dataset(f"x{step}", data=x.float().numpy())
        g.create_dataset(f"labels{step}", data=labels.numpy().astype(np.int64))
        g.create_dataset(f"fc.weight{step}", data=encoder.fc.weight.detach().float().numpy())
        g.create_dataset(f"fc.bias{step}", data=encoder.fc.bias.detach().float().numpy())
        g.attrs[f"loss{step}"] = float(loss)
        print(f"linear step {step}: loss {float(loss):.6f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "TrainTests", "Golden", "train_step.h5"))
    # 17: the mining step's positive sets have 3 members for some rows (q, q1, q2 disagree) and 2 for others
    # (two or three branches pick the same queue entry, counted once).
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    models = load_models()
    seed = args.seed
    gen = torch.Generator().manual_seed(seed)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    partial = args.out + ".partial"
    with h5py.File(partial, "w", libver="latest") as out:
        for key, value in SETTINGS.items():
            out.attrs[key] = value
        out.attrs["generator"] = "scripts/golden_train_step.py"
        out.attrs["seed"] = seed
        pretraining(models, out, gen)
        linear(models, out, gen)
    os.replace(partial, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()

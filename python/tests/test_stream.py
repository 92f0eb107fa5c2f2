"""ShardStream delivers exactly the batches `hiclr stream` builds (same SHA-256 digests), for any worker count,
rank split, policy and resume point; the tensors hold what the shards and the pipeline say."""

import numpy as np
import pytest
import torch

from conftest import PIPELINE, stream_digests

import hiclr.torch as ht
from hiclr import shards as hshards


def digests(stream, epochs=(0,)):
    out = []
    for epoch in epochs:
        stream.set_epoch(epoch)
        out += [(epoch, i, ht.batch_digest(b)) for i, b in enumerate(stream)]
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_digests_equal_hiclr_stream(shards, workers):
    expected = stream_digests(shards, benchmark="xview", batch=4, workers=1, seed=3, epochs=2)
    assert len(expected) == 6  # 15 samples, batch 4, drop_last: 3 batches per epoch
    assert len({d for _, _, d in expected}) == 6
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=3, batch_size=4, workers=workers)
    assert len(stream) == 3
    assert digests(stream, epochs=(0, 1)) == expected


def test_one_and_two_workers_identical_and_seed_matters(shards):
    one = ht.ShardStream(shards, pipeline=PIPELINE, seed=5, batch_size=3, workers=1, prefetch=1)
    two = ht.ShardStream(shards, pipeline=PIPELINE, seed=5, batch_size=3, workers=2, prefetch=3)
    other = ht.ShardStream(shards, pipeline=PIPELINE, seed=6, batch_size=3, workers=2)
    a, b, c = digests(one), digests(two), digests(other)
    assert a == b and len(a) >= 4
    assert not set(d for *_, d in a) & set(d for *_, d in c)


@pytest.mark.parametrize("policy", ["drop_last", "pad"])
def test_rank_split_equals_hiclr_stream(shards, policy):
    for rank in (0, 1):
        expected = stream_digests(shards, benchmark="xview", batch=4, workers=2, seed=1, rank=rank, world=2,
                                  policy=policy)
        stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=1, batch_size=4, workers=2,
                                rank=rank, world=2, drop_last=policy == "drop_last")
        assert digests(stream) == expected
        # 15 samples over 2 ranks: drop_last 7 each → one full batch of 4; pad 8 each → two batches of 4.
        assert len(expected) == (1 if policy == "drop_last" else 2)


def test_resume_inside_an_epoch(shards):
    expected = stream_digests(shards, benchmark="xview", batch=4, workers=2, seed=2, epoch=1, start_batch=1)
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=2, batch_size=4, workers=2)
    stream.resume(1, 1)
    assert len(stream) == 2
    got = []
    for batch in stream:
        got.append(ht.batch_digest(batch))
        assert stream.position()[0] == 1
    assert [(1, 1 + i, d) for i, d in enumerate(got)] == expected
    assert stream.position() == (2, 0)
    # The resume point applies once: the next iteration streams the whole epoch again.
    assert len(list(stream)) == 3


def test_tensors_hold_the_shards_and_the_masks(shards):
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=4, batch_size=5, workers=2,
                            drop_last=False, shuffle=True)
    assert stream.keys() == ["index", "label", "q", "k", "q1", "q2", "q2_mask"]
    part = hshards.open(shards).part("xview", "train")
    seen = []
    masked = 0
    for batch in stream:
        assert list(batch) == stream.keys()
        for view in ("q", "k", "q1", "q2"):
            assert batch[view].dtype == torch.float32 and batch[view].shape == (5, 3, 50, 25, 2)
            assert torch.isfinite(batch[view]).all()
        assert batch["q2_mask"].dtype == torch.bool and batch["q2_mask"].shape == (5, 50, 25)
        assert batch["label"].tolist() == [int(part.labels[i]) for i in batch["index"].tolist()]
        # q2's masked joints are zero in every channel and body (joint_mask fill 0), and some joints are masked.
        mask = batch["q2_mask"][:, None, :, :, None].expand(-1, 3, -1, -1, 2)
        assert (batch["q2"][mask] == 0).all()
        masked += int(batch["q2_mask"].sum())
        # Views are independent draws of the same sample: q and k differ.
        assert not torch.equal(batch["q"], batch["k"])
        seen += batch["index"].tolist()
    assert sorted(seen) == list(range(15))
    assert masked > 0


def test_shared_tensors_outlive_the_stream_and_equal_the_copying_path(shards):
    """Batches are the Swift buffers themselves (no copy): they stay valid after the stream is closed and garbage
    is collected, and equal what the copying path (pin_memory's: Swift copies into fresh tensors) delivers."""
    import gc
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=9, batch_size=4, workers=2)
    batches = list(stream)
    before = [ht.batch_digest(b) for b in batches]
    q = batches[0]["q"]
    assert not q.storage().data_ptr() in [b["k"].storage().data_ptr() for b in batches]
    stream.close()
    del stream
    gc.collect()
    assert [ht.batch_digest(b) for b in batches] == before
    copying = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=9, batch_size=4, workers=2)
    copying._copy = True
    assert digests(copying) == [(0, i, d) for i, d in enumerate(before)]
    # Writing into a delivered tensor is allowed and touches nothing else.
    q.zero_()
    assert float(batches[0]["k"].abs().sum()) > 0


def test_shard_dataset_reads_what_h5py_reads(shards):
    import h5py
    dataset = ht.ShardDataset(shards, benchmark="xsub", part="val", streams=("joint", "bone", "motion"))
    files = sorted(shards.glob("xsub_val_*.h5"))
    with h5py.File(files[0], "r") as f:
        joint, bone, labels = f["joint"][()], f["bone"][()], f["label"][()]
    assert len(dataset) == len(labels) > 0
    for i in (0, len(dataset) - 1):
        item = dataset[i]
        assert np.array_equal(item["joint"].numpy(), joint[i]) and np.array_equal(item["bone"].numpy(), bone[i])
        assert int(item["label"]) == int(labels[i])
    # spawn: this test process has the Swift library (and its threads) loaded; see the worker-process test below.
    loader = torch.utils.data.DataLoader(dataset, batch_size=4, num_workers=2, multiprocessing_context="spawn")
    total = sum(batch["joint"].shape[0] for batch in loader)
    assert total == len(dataset)


def test_data_loader_worker_process_gives_the_same_batches(shards):
    """In a spawned worker process the stream reopens the library and gives the same batches. A forked one would
    inherit the Swift threads' locks (it hung here once, in a child of a process whose loader had run): it is
    refused with a message that says to use spawn."""
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=3, batch_size=4, workers=2)
    expected = digests(stream)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=1, multiprocessing_context="spawn")
    assert [(0, i, ht.batch_digest(b)) for i, b in enumerate(loader)] == expected
    forked = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=1, multiprocessing_context="fork")
    with pytest.raises(Exception, match="spawn"):
        list(forked)


def test_shipped_pipeline_by_name(shards):
    """`pipeline="hiclr"` (or "pipelines/hiclr.yaml" from any folder) is the shipped file, as for hiclr stream."""
    by_path = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, seed=3, batch_size=4, workers=1)
    by_name = ht.ShardStream(shards, benchmark="xview", pipeline="hiclr", seed=3, batch_size=4, workers=1)
    assert digests(by_name) == digests(by_path)
    assert by_name.info["pipeline"] == "hiclr"


@pytest.mark.parametrize("derive", ["after_augmentation", "from_shard"])
def test_several_streams_per_view(shards, tmp_path, derive):
    """A pipeline emitting joint, bone and motion: keys `q.joint`, `q.bone`, …; digests still equal the CLI's."""
    text = PIPELINE.read_text().replace("names: [joint]", "names: [joint, bone, motion]")
    text = text.replace("derive: after_augmentation", f"derive: {derive}")
    pipeline = tmp_path / "three_streams.yaml"
    pipeline.write_text(text)
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=pipeline, seed=8, batch_size=4, workers=2)
    assert stream.keys()[:6] == ["index", "label", "q.joint", "q.bone", "q.motion", "k.joint"]
    assert stream.keys()[-1] == "q2_mask"
    expected = [d for _, _, d in stream_digests(shards, benchmark="xview", batch=4, seed=8, workers=1,
                                                pipeline=pipeline)]
    got = []
    for batch in stream:
        assert list(batch) == stream.keys()
        got.append(ht.batch_digest(batch))
        if derive == "after_augmentation":  # motion is the frame difference of the augmented joint view
            joint, motion = batch["q1.joint"], batch["q1.motion"]
            assert torch.allclose(motion[:, :, :-1], joint[:, :, 1:] - joint[:, :, :-1], atol=1e-6)
            assert (motion[:, :, -1] == 0).all()
    assert got == expected and len(got) == 3

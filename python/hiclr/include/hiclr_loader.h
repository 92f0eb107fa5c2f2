/*
 * hiclr_loader.h: the C ABI of the hiclr streaming loader (libHiCLRLoaderC.so, built by
 * `swift build --product HiCLRLoaderC`, source Sources/LoaderC/LoaderC.swift).
 *
 * The loader reads one benchmark part of a shard directory, deals each epoch's permutation (drawn from the seed
 * and the epoch) round-robin to `world` ranks, cuts this rank's samples into batches and runs every branch of an
 * augmentation pipeline on every sample, on `workers` background threads, at most `prefetch` finished batches
 * ahead of the consumer. Batch k of an epoch is the same bytes whatever the worker count, and the same as
 * `hiclr stream` prints digests for.
 *
 * Errors: functions that can fail take `error` / `error_capacity`, a caller-owned buffer that receives one
 * NUL-terminated UTF-8 message (naming the file, and the field or line, where there is one), truncated to fit.
 * Nothing here aborts the calling process on bad input or bad arguments.
 *
 * Threads: a handle may be used from one thread at a time. Calls block (without holding any lock of the
 * caller) while a batch is built; Python's ctypes releases the GIL around them.
 */
#ifndef HICLR_LOADER_H
#define HICLR_LOADER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HICLR_LOADER_ABI_VERSION 2

/* Geometry of one sample of one stream: (C, T, V, M) = (3, 50, 25, 2) float32, C-contiguous. */
#define HICLR_CHANNELS 3
#define HICLR_FRAMES 50
#define HICLR_JOINTS 25
#define HICLR_BODIES 2
#define HICLR_SAMPLE_FLOATS (HICLR_CHANNELS * HICLR_FRAMES * HICLR_JOINTS * HICLR_BODIES)
/* Joint mask of one sample: (T, V) bytes, 1 where the joint was masked. */
#define HICLR_MASK_BYTES (HICLR_FRAMES * HICLR_JOINTS)

typedef struct hiclr_loader hiclr_loader;

/* HICLR_LOADER_ABI_VERSION of the library; a caller built against another version must not use it. */
int32_t hiclr_loader_abi_version(void);

/*
 * Opens a loader. Returns NULL and writes a message into `error` on any problem (missing directory, manifest or
 * shard damaged, checksum mismatch when `verify`, pipeline file missing or invalid, bad configuration).
 *   shards     shard directory (holds manifest.json)
 *   benchmark  benchmark to read, or NULL for the manifest's first
 *   part       part to read ("train", "val"), or NULL for "train"
 *   pipeline   pipeline YAML file (e.g. pipelines/hiclr.yaml)
 *   seed       run seed: with the epoch it fixes the permutation and every augmentation draw
 *   batch_size samples per batch (>= 1)
 *   workers    background threads building batches (>= 1)
 *   prefetch   finished batches allowed to wait for the consumer (>= 1)
 *   pad        0: drop_last (every rank floor(N/world) samples, only full batches);
 *              1: pad (ceil(N/world) samples per rank, the permutation's start repeated; last batch may be short)
 *   shuffle    0: manifest order; otherwise a fresh permutation each epoch
 *   rank,world this process's rank among `world` (0 <= rank < world)
 *   verify     nonzero: re-hash every shard of the part against the manifest first
 */
hiclr_loader *hiclr_loader_open(const char *shards, const char *benchmark, const char *part, const char *pipeline,
                                uint64_t seed, int64_t batch_size, int64_t workers, int64_t prefetch, int32_t pad,
                                int32_t shuffle, int64_t rank, int64_t world, int32_t verify,
                                char *error, size_t error_capacity);

/*
 * A JSON object describing the handle, owned by it (valid until hiclr_loader_close):
 *   abi_version, benchmark, part, pipeline (name), samples (in the part), samples_per_epoch and
 *   batches_per_epoch (on this rank), batch_size, rank, world, policy ("drop_last" | "pad"),
 *   shape [3, 50, 25, 2], mask_shape [50, 25],
 *   views   [{"name": "q", "mask": false}, ...]  pipeline branches in order
 *   streams ["joint", ...]                        streams every view carries, in order
 */
const char *hiclr_loader_describe(const hiclr_loader *loader);

/*
 * Starts streaming `epoch` at batch `start_batch` (exact resume: batch k is the batch an uninterrupted epoch
 * delivers as k). Stops the epoch being streamed, if any. Returns 0, or -1 with a message.
 */
int32_t hiclr_loader_start(hiclr_loader *loader, int64_t epoch, int64_t start_batch,
                           char *error, size_t error_capacity);

/*
 * Copies the next batch of the started epoch into the caller's buffers (one copy, no allocation visible to the
 * caller) and returns its sample count B (1 ... capacity); 0 after the epoch's last batch; -1 with a message
 * (a damaged shard found while building, buffers too small, no epoch started). After -1 the epoch is stopped.
 *   sample_ids  capacity int64: global indices of the samples in the part
 *   labels      capacity int64
 *   data        views x streams pointers, view-major (data[v * streams + s]), each to capacity x
 *               HICLR_SAMPLE_FLOATS float32: the batch as (B, 3, 50, 25, 2)
 *   masks       one pointer per view (may be NULL as a whole, or NULL for a view): capacity x HICLR_MASK_BYTES
 *               bytes, (B, 50, 25) 0/1; written only for views whose description says "mask": true
 *   capacity    samples the buffers hold (>= batch_size is always enough)
 *   batch_index receives the batch's index within the epoch (may be NULL)
 *
 * Digest of a batch (what `hiclr stream --hash` prints): SHA-256 over, in order, the B sample ids as int64,
 * the B labels as int64, then per view: its name in UTF-8, each stream's B x HICLR_SAMPLE_FLOATS float32, and
 * its mask's B x HICLR_MASK_BYTES bytes when it has one; all little-endian (native on every supported machine).
 */
int64_t hiclr_loader_next(hiclr_loader *loader, int64_t *sample_ids, int64_t *labels, float *const *data,
                          uint8_t *const *masks, int64_t capacity, int64_t *batch_index,
                          char *error, size_t error_capacity);

/*
 * The next batch without a copy: like hiclr_loader_next (same return values, same sample_ids, labels, masks,
 * capacity and batch_index), but instead of copying the values, writes into data[v * streams + s] the address of
 * the loader's own buffer of that view and stream (B x HICLR_SAMPLE_FLOATS float32, read-only) and into
 * owners[v * streams + s] a reference that keeps that buffer alive. The caller must pass each owner to
 * hiclr_buffer_release exactly once when it no longer reads the buffer; the buffers stay valid after
 * hiclr_loader_close until then. `data` and `owners` hold views x streams pointers each.
 */
int64_t hiclr_loader_next_shared(hiclr_loader *loader, int64_t *sample_ids, int64_t *labels, const float **data,
                                 void **owners, uint8_t *const *masks, int64_t capacity, int64_t *batch_index,
                                 char *error, size_t error_capacity);

/* Releases one buffer reference from hiclr_loader_next_shared; the buffer is freed with its last reference.
   NULL is ignored. */
void hiclr_buffer_release(void *owner);

/* Stops the background threads and frees the handle. NULL is ignored. */
void hiclr_loader_close(hiclr_loader *loader);

#ifdef __cplusplus
}
#endif

#endif /* HICLR_LOADER_H */

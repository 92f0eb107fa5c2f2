#!/usr/bin/env bash
# The main job on the bundled fixtures: convert every raw tree to shards, verify them, dump augmented
# views with PNG renders, stream HiCLR batches, pretrain for a few epochs and evaluate the encoder.
# Usage: scripts/demo.sh [path/to/hiclr] [output folder]
set -euo pipefail
HICLR=${1:-.build/release/hiclr}
OUT=${2:-demo-out}
rm -rf "$OUT"
mkdir -p "$OUT"
step() { printf '\n== %s\n' "$*"; }

step "convert NTU60 (reference mode, missing-skeleton list applied)"
"$HICLR" convert ntu60 --raw fixtures/ntu60 --missing fixtures/ntu60/missing_skeletons.txt --out "$OUT/ntu60"
step "convert NTU60 again in clean mode (PYSKL's body choice; decisions counted)"
"$HICLR" convert ntu60 --raw fixtures/ntu60 --missing fixtures/ntu60/missing_skeletons.txt --mode clean --out "$OUT/ntu60-clean"
step "convert NTU120, PKU-MMD phase 1 and phase 2"
"$HICLR" convert ntu120 --raw fixtures/ntu120 --out "$OUT/ntu120"
"$HICLR" convert pku1 --raw fixtures/pku1 --out "$OUT/pku1"
"$HICLR" convert pku2 --raw fixtures/pku2 --out "$OUT/pku2"
step "bad input is reported file:line and skipped (exit status 1: nothing was usable)"
"$HICLR" convert ntu60 --raw fixtures/bad/ntu --out "$OUT/bad" || true

step "inspect and verify every shard against its manifest"
for d in ntu60 ntu60-clean ntu120 pku1 pku2; do "$HICLR" inspect "$OUT/$d" --verify; done
if command -v h5dump >/dev/null; then
  step "h5dump -H reads a shard with no help from us (first lines)"
  h5dump -H "$OUT/ntu60/xsub_train_00000.h5" | head -30
fi

if "$HICLR" --help | grep -qE "^ +dump "; then
  step "dump 8 augmented samples of the shipped HiCLR pipeline (q, k, q1, q2) as HDF5 + PNG"
  "$HICLR" dump --shards "$OUT/ntu60" --pipeline hiclr --seed 7 --samples 0-7 --out "$OUT/dump" --png
  ls "$OUT/dump" | head
fi
if "$HICLR" --help | grep -qE "^ +stream "; then
  step "stream 4-view HiCLR batches from the shards"
  "$HICLR" stream --shards "$OUT/ntu60" --pipeline pipelines/hiclr.yaml --batch 4 --workers 2 --epochs 2 --hash | tail -6
fi
if "$HICLR" --help | grep -qE "^ +train "; then
  step "pretrain HiCLR for a few epochs on the fixtures (shipped config fixtures_tiny, shards and run folder set here), then evaluate it"
  "$HICLR" train --config fixtures_tiny --shards "$OUT/ntu60" --out "$OUT/runs/tiny"
  CKPT=$(ls "$OUT"/runs/tiny/epoch_*.h5 | tail -1)
  "$HICLR" eval knn --checkpoint "$CKPT" --shards "$OUT/ntu60" --benchmark xview --k 5
  "$HICLR" eval knn --random --shards "$OUT/ntu60" --benchmark xview --k 5
  "$HICLR" eval linear --checkpoint "$CKPT" --shards "$OUT/ntu60" --benchmark xview --epochs 50 --scores "$OUT/linear_joint.h5"
  "$HICLR" eval features --checkpoint "$CKPT" --shards "$OUT/ntu60" --benchmark xview --part val --out "$OUT/features_val.h5"
fi
printf '\ndemo finished: outputs in %s\n' "$OUT"

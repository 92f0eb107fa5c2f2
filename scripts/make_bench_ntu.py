#!/usr/bin/env python3
"""Writes NTU-format .skeleton files of a representative length for `hiclr bench convert` (not committed).

Real NTU RGB+D clips are about 100 frames with 1-2 bodies; the committed fixtures are 20 frames. This writes the
NTU60 and NTU120 fixture scenes again (same generator, scripts/make_fixtures.py, deterministic) with --frames
frames each, leaving out the scenes that are edge cases rather than typical data (the all-empty file and the
furniture third body). The bench then replicates these files under new sample names.
Usage:  python3 scripts/make_bench_ntu.py --out DIR [--frames 100]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write (files go to OUT/nturgb+d_skeletons)")
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    folder = os.path.join(args.out, "nturgb+d_skeletons")
    os.makedirs(folder, exist_ok=True)
    count = total = 0
    for spec in make_fixtures.NTU60 + make_fixtures.NTU120:
        if spec.get("all_empty") or "noise" in spec:
            continue
        spec = dict(spec, frames=args.frames)
        if "lost" in spec:                         # keep the lost stretch inside the shorter or longer clip
            k, first, last = spec["lost"]
            spec["lost"] = (k, min(first, args.frames - 3), min(last, args.frames - 2))
        if "swap" in spec:
            spec["swap"] = tuple(min(t, args.frames - 1) for t in spec["swap"])
        path = os.path.join(folder, spec["name"] + ".skeleton")
        make_fixtures.write_ntu(path, spec)
        count += 1
        total += os.path.getsize(path)
    print(f"{count} files of {args.frames} frames, {total / count / 1e3:.0f} KB each on average, in {folder}")


if __name__ == "__main__":
    main()

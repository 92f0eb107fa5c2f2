#!/usr/bin/env python3
"""Checks scripts/golden_pyskl_denoise.py (and its JSON) against the REAL functions of PYSKL's NTU script.

Usage, from the repository root, with a PYSKL checkout OUTSIDE this tree:
    git --git-dir=<pyskl git dir> archive HEAD | tar -x -C /tmp/pyskl-ref
    /usr/bin/python3 scripts/check_golden_pyskl_denoise.py /tmp/pyskl-ref
Nothing of PYSKL is copied here: the function definitions of tools/data/ntu_preproc.py (parse_skeleton_file,
spread_denoising, non_zero, gen_keypoint_array, gen_anno) are executed from the checkout, without the script part
that lists a dataset folder; mmcv (dump), tqdm and pyskl.smp (mrlines: read a file, split on newlines, drop
trailing empty strings) are replaced by stubs because only those names are used and mmcv is not installed.
Exit status 0 when every input has the same outcome, the same keypoint array (np.array_equal, float32) and the
same body motions as the golden.
"""
import ast
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyskl_stubs  # noqa: E402

import numpy as np


def load_pyskl(checkout):
    path = os.path.join(checkout, "tools/data/ntu_preproc.py")
    pyskl_stubs.install(write_pickles=False)
    tree = ast.parse(open(path).read())
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))
            or (isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "eps")]
    ns = {}
    exec(compile(ast.Module(body=keep, type_ignores=[]), path, "exec"), ns)
    return ns


def main():
    ns = load_pyskl(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("golden", os.path.join(here, "golden_pyskl_denoise.py"))
    golden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(golden)
    goldens = {s["file"]: s for s in json.load(open(golden.OUT))["samples"]}
    bad, outcomes = 0, {}
    for path, full in golden.cases():
        root, fname = os.path.split(path)
        name = fname[:-len(".skeleton")]
        ns["root"] = root
        g = goldens[path]
        motions = {}
        try:
            body = ns["parse_skeleton_file"](name, root)
            motions = {str(k): v["motion"] for k, v in body.items()}
            if len(body) == 0:
                outcome, kp = "None", None
                assert ns["gen_anno"](name) is None
            else:
                outcome, kp = "ok", ns["gen_keypoint_array"](body)
        except AssertionError:
            outcome, kp = "AssertionError", None
        except IndexError:
            outcome, kp = "IndexError", None
        if kp is not None:
            mine = golden.denoise(path)[0]
            ok = (g["status"] == "ok" and kp.dtype == np.float32 and np.array_equal(kp, mine)
                  and [g["M"], g["T"]] == list(kp.shape[:2])
                  and all(np.float32(b["motion"]) == motions[b["id"]] for b in g["bodies"])
                  and np.allclose(kp.astype(np.float64).sum(axis=2).reshape(-1), g["frame_sums"], rtol=0, atol=1e-6))
            if full:
                ok = ok and np.array_equal(np.array(g["keypoint"], np.float32).reshape(kp.shape), kp)
            outcome += " M=%d" % kp.shape[0]
        else:
            code = {"None": "no_body", "AssertionError": "no_body_after_cleaning", "IndexError": "all_zero_keypoints"}
            ok = g["status"] == "rejected" and g["code"] == code[outcome]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if not ok:
            bad += 1
            print("MISMATCH", path, g["status"], g.get("code"), outcome)
    print("PYSKL outcomes:", outcomes)
    print("numpy %s: %d mismatches of %d inputs" % (np.__version__, bad, len(goldens)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

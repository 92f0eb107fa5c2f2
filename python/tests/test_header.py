"""The C header documents the ABI the library exports: a C program compiled against hiclr_loader.h alone opens
a loader, gets an error message for a missing folder, and reads a whole epoch through it."""

import shutil
import subprocess

import pytest

from conftest import BUILD, PIPELINE

import hiclr._native as native

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hiclr_loader.h"

int main(int argc, char **argv) {
    char error[1024];
    if (hiclr_loader_abi_version() != HICLR_LOADER_ABI_VERSION) { puts("abi mismatch"); return 1; }
    if (hiclr_loader_open("/nonexistent/shards", NULL, NULL, argv[2], 0, 4, 1, 1, 0, 1, 0, 1, 1, error, sizeof error)) {
        puts("opened a missing folder"); return 1;
    }
    printf("error: %s\n", error);
    hiclr_loader *loader = hiclr_loader_open(argv[1], "xview", "train", argv[2], 3, 4, 2, 2, 1, 1, 0, 1, 1,
                                             error, sizeof error);
    if (!loader) { printf("open failed: %s\n", error); return 1; }
    printf("describe: %s\n", hiclr_loader_describe(loader));
    if (hiclr_loader_start(loader, 0, 0, error, sizeof error) != 0) { printf("start: %s\n", error); return 1; }
    int64_t ids[4], labels[4], index = -1, total = 0, n;
    float *data[4];
    uint8_t *masks[4];
    for (int v = 0; v < 4; v++) {
        data[v] = malloc(sizeof(float) * 4 * HICLR_SAMPLE_FLOATS);
        masks[v] = malloc(4 * HICLR_MASK_BYTES);
    }
    while ((n = hiclr_loader_next(loader, ids, labels, data, masks, 4, &index, error, sizeof error)) > 0) {
        printf("batch %lld: %lld samples\n", (long long)index, (long long)n);
        total += n;
    }
    if (n < 0) { printf("next: %s\n", error); return 1; }
    /* A buffer too small is a message, not a crash. */
    hiclr_loader_start(loader, 0, 0, error, sizeof error);
    n = hiclr_loader_next(loader, ids, labels, data, masks, 2, &index, error, sizeof error);
    printf("small: %lld %s\n", (long long)n, error);
    /* Shared (no copy): batch 0 again, the loader's own buffers equal the copied ones, and stay valid after the
       loader is closed until each owner is released. */
    const float *shared[4];
    void *owners[4];
    hiclr_loader_start(loader, 0, 0, error, sizeof error);
    n = hiclr_loader_next(loader, ids, labels, data, masks, 4, &index, error, sizeof error);
    hiclr_loader_start(loader, 0, 0, error, sizeof error);
    int64_t m = hiclr_loader_next_shared(loader, ids, labels, shared, owners, masks, 4, &index, error, sizeof error);
    int equal = n == 4 && m == 4;
    for (int v = 0; v < 4 && equal; v++) equal = memcmp(shared[v], data[v], sizeof(float) * 4 * HICLR_SAMPLE_FLOATS) == 0;
    hiclr_loader_close(loader);
    for (int v = 0; v < 4 && equal; v++) equal = memcmp(shared[v], data[v], sizeof(float) * 4 * HICLR_SAMPLE_FLOATS) == 0;
    for (int v = 0; v < 4; v++) hiclr_buffer_release(owners[v]);
    hiclr_buffer_release(NULL);
    printf("shared: %s\n", equal ? "equal" : "different");
    hiclr_loader_close(NULL);
    printf("total %lld\n", (long long)total);
    return 0;
}
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_c_program_against_the_header(shards, tmp_path):
    source = tmp_path / "use.c"
    source.write_text(PROGRAM)
    exe = tmp_path / "use"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Werror", "-I", str(native.HEADER.parent), str(source), "-o", str(exe),
                    "-L", str(BUILD), "-lHiCLRLoaderC", f"-Wl,-rpath,{BUILD}"], check=True, capture_output=True)
    out = subprocess.run([str(exe), str(shards), str(PIPELINE)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("error: /nonexistent/shards")
    assert '"batches_per_epoch":4' in lines[1] and '"policy":"pad"' in lines[1]
    assert lines[2:6] == [f"batch {i}: {n} samples" for i, n in enumerate([4, 4, 4, 3])]
    assert lines[6].startswith("small: -1 ") and "capacity 2" in lines[6]
    assert lines[7] == "shared: equal"
    assert lines[8] == "total 15"

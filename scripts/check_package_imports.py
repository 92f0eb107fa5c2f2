#!/usr/bin/env python3
"""Checks that Package.swift declares exactly what each target imports (and nothing it does not).

Reads the package description from `swift package dump-package` (or a JSON file given as the first argument),
collects every `import X` / `@testable import X` in each target's Swift sources, and compares the module names
with the target's declared dependencies (targets by name, products by product name). System-library targets
(C modules) are checked the same way: a Swift target that imports CHDF5 must declare it. Modules that come with
the toolchain (Foundation, XCTest, Dispatch, Glibc, …) are not dependencies.

Prints one line per mismatch and exits 1 when there is any; prints "package imports: N targets match" otherwise.
"""
import json
import os
import re
import subprocess
import sys

TOOLCHAIN = {"Foundation", "FoundationEssentials", "XCTest", "Dispatch", "Glibc", "Darwin", "Swift", "_Concurrency",
             "Synchronization", "Testing", "os", "CoreFoundation", "FoundationNetworking", "Musl"}
MULTILINE_STRING = re.compile(r'#*"""[\s\S]*?"""#*')
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|@preconcurrency\s+)*import\s+(?:(?:struct|class|enum|func|"
                    r"protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if len(sys.argv) > 1:
        package = json.load(open(sys.argv[1]))
    else:
        package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=root))
    problems = []
    checked = 0
    executables = {t["name"] for t in package["targets"] if t["type"] == "executable"}
    for target in package["targets"]:
        if target["type"] in ("system", "binary", "plugin"):
            continue
        default = ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
        path = os.path.join(root, target.get("path") or default)
        declared = set()
        for dep in target["dependencies"]:
            kind, value = next(iter(dep.items()))
            declared.add(value[0])
        imported = set()
        for folder, _, files in os.walk(path, followlinks=False):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        # Multi-line string literals (Python scripts the tests run) are not Swift imports.
                        text = MULTILINE_STRING.sub("", f.read())
                        imported |= set(IMPORT.findall(text))
        imported -= TOOLCHAIN
        imported.discard(target["name"])
        for module in sorted(imported - declared):
            problems.append("%s imports %s but does not declare it" % (target["name"], module))
        # A test target may depend on an executable only to have it built before the tests run it.
        for module in sorted(declared - imported - executables):
            problems.append("%s declares %s but never imports it" % (target["name"], module))
        checked += 1
    for p in problems:
        print("package imports: " + p)
    if problems:
        sys.exit(1)
    print("package imports: %d targets match their declared dependencies" % checked)


if __name__ == "__main__":
    main()

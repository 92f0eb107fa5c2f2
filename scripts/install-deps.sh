#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine with Swift: the packages listed in
# scripts/apt-packages.txt (HDF5 and its tools, zlib/libdeflate, OpenBLAS, Cairo; Debian's python3-torch,
# python3-pytest, python3-h5py, python3-numpy for /usr/bin/python3, which runs the Python package's tests in
# python/tests) and the Python packages the interoperability tests call with `python3` (h5py reads our shards,
# jsonschema + PyYAML check shipped files against schemas/).
# Does nothing when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
while read -r pkg; do
  [ -n "$pkg" ] && ! dpkg -s "$pkg" >/dev/null 2>&1 && missing+=("$pkg")
done < scripts/apt-packages.txt
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c "import h5py, jsonschema, yaml, numpy" >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check h5py jsonschema pyyaml numpy
fi
echo "dependencies ready: HDF5 $(pkg-config --modversion hdf5), OpenBLAS $(pkg-config --modversion openblas), Cairo $(pkg-config --modversion cairo), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || echo missing) for /usr/bin/python3"

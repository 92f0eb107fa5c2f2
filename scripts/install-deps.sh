#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine with Swift: the C libraries (HDF5,
# OpenBLAS, Cairo, zlib), the HDF5 command-line tools, and the Python packages the interoperability tests
# call (h5py reads our shards, jsonschema checks shipped files against schemas/).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need_apt=0
for pkg in libhdf5-dev hdf5-tools zlib1g-dev libdeflate-dev libopenblas-dev libcairo2-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt=1
done
if [ "$need_apt" = 1 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    libhdf5-dev hdf5-tools zlib1g-dev libdeflate-dev libopenblas-dev libcairo2-dev pkg-config >/dev/null
fi
if ! python3 -c "import h5py, jsonschema, yaml, numpy" >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check h5py jsonschema pyyaml numpy
fi
echo "dependencies ready: $(pkg-config --modversion hdf5) HDF5, OpenBLAS $(pkg-config --modversion openblas), Cairo $(pkg-config --modversion cairo)"

import CHDF5
// HDF5 module: wrapper being written.

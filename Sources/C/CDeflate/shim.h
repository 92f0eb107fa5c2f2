#ifndef HICLR_CDEFLATE_SHIM_H
#define HICLR_CDEFLATE_SHIM_H
/* libdeflate: a fast whole-buffer implementation of the zlib format that HDF5's deflate filter reads and writes.
   Used only by the HDF5 module, for direct chunk I/O (compression outside the libhdf5 lock). */
#include <libdeflate.h>
#endif

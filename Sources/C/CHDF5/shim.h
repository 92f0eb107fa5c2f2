#ifndef HICLR_CHDF5_SHIM_H
#define HICLR_CHDF5_SHIM_H
/* libhdf5's public API, plus static inline accessors for the values that libhdf5 defines as macros
   (they expand to global variables read after H5open() and do not import into Swift). */
#include <hdf5.h>

static inline hid_t hiclr_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t hiclr_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned hiclr_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned hiclr_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned hiclr_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned hiclr_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }

static inline hid_t hiclr_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t hiclr_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t hiclr_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t hiclr_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }

static inline hid_t hiclr_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t hiclr_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t hiclr_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t hiclr_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t hiclr_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t hiclr_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t hiclr_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t hiclr_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t hiclr_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t hiclr_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t hiclr_H5T_C_S1(void) { return H5T_C_S1; }
static inline size_t hiclr_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hsize_t hiclr_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline H5E_auto2_t hiclr_no_auto_print(void) { return (H5E_auto2_t)0; }
static inline hid_t hiclr_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t hiclr_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t hiclr_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t hiclr_H5P_DATASET_XFER(void) { return H5P_DATASET_XFER; }
static inline hid_t hiclr_H5P_ATTRIBUTE_CREATE(void) { return H5P_ATTRIBUTE_CREATE; }
static inline hid_t hiclr_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t hiclr_H5T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline unsigned hiclr_H5Z_FLAG_OPTIONAL(void) { return H5Z_FLAG_OPTIONAL; }
static inline unsigned hiclr_H5Z_FLAG_MANDATORY(void) { return H5Z_FLAG_MANDATORY; }
static inline unsigned hiclr_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }
#endif

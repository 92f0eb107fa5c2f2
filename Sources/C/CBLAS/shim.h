#ifndef HICLR_CBLAS_SHIM_H
#define HICLR_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS thread control, declared here so Swift sees it without the OpenBLAS-only header. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif

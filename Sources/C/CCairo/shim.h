#ifndef HICLR_CCAIRO_SHIM_H
#define HICLR_CCAIRO_SHIM_H
#include <cairo.h>
#endif

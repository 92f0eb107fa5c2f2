import CBLAS
// BLAS module: placeholder until the engine issue lands.

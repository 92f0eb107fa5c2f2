// Loader module: placeholder until its issue lands.

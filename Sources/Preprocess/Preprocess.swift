// Preprocess module: placeholder until its issue lands.

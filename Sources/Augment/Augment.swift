// Augment module: placeholder until its issue lands.

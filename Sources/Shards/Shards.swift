// Shards module: placeholder until its issue lands.

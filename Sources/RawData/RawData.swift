// RawData module: placeholder until its issue lands.

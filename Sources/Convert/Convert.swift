// Convert module: placeholder until its issue lands.

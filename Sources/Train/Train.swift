// Train module: placeholder until its issue lands.

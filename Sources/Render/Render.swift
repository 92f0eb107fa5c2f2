import CCairo
// Render module: placeholder until the augmentation issue lands.

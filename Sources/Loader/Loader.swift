// Loader module: being integrated.

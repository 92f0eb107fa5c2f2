"""PyTorch models written to match the reference (see models.py)."""

"""hiclr: Python side of the hiclr-swift project."""

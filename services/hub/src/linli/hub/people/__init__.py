"""people area of the hub."""

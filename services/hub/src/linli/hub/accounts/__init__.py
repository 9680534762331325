"""accounts area of the hub."""

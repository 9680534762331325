"""teams area of the hub."""

"""rounds area of the hub."""

"""rooms area of the hub."""

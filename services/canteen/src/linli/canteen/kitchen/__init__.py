"""Canteen kitchen."""

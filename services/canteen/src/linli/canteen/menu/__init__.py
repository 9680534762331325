"""Canteen menu."""

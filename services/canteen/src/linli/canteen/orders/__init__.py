"""Canteen orders."""

"""Canteen reports."""

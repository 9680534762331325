"""Canteen stock."""

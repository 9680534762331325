"""Volunteers (志愿者): profiles and talents, shifts from templates, swaps, no-shows, backfill, hours."""

"""Test support for every Linli service: engines, databases, live servers, tokens."""

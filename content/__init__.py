"""Bundled data: provinces.json and articles/ (package data, read with importlib.resources)."""

"""Reusable widgets and the helpers that turn plain values into safe, styled Content."""

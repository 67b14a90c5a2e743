"""Data preparation, weight conversion and benchmark tools."""

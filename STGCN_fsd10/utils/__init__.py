"""Helpers shared by every script of this folder (one place, no copies)."""

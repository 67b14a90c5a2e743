"""The seed's dataset tools (tiny_data_gen.py)."""

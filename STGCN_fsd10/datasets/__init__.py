"""FSD-10 reader and validator (fsd10.py), pipeline transforms (transforms.py), mini-data generator (mini.py)."""

"""Seed-compat: the seed's old (misspelt) name for `python scripts/make_coco_crops.py` (same flags, same output)."""
from make_coco_crops import main

main()

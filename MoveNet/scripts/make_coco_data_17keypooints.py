"""The seed's name for scripts/make_coco_crops.py (same flags)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_coco_crops import main  # noqa: E402

from utils import run_main  # noqa: E402

if __name__ == '__main__':
    run_main(main)

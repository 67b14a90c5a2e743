"""Paths and shared setup of the alignment steps (all relative to this folder)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, '..', '..', 'MoveNet'))
DATA = os.path.join(HERE, 'data')
sys.path.insert(0, HERE)
sys.path.insert(0, MODEL_DIR)


def data(name: str) -> str:
    os.makedirs(DATA, exist_ok=True)
    return os.path.join(DATA, name)


def check(ref: str, mine: str, log: str, threshold: float = 1e-6) -> None:
    from reprod_log import ReprodDiffHelper
    helper = ReprodDiffHelper()
    helper.compare_info(helper.load_info(ref), helper.load_info(mine))
    helper.report(diff_method='mean', diff_threshold=threshold, path=log)

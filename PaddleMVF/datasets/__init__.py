"""Readers of UCF-101 rawframes, the video transforms, inference inputs and the mini-data generator.
Nothing here imports paddle: the loaders live in utils/engine.py."""
import os

from utils.config import LIST_TMPL

from .rawframes import RawframeDataset, read_list, validate_records
from .transforms import build_pipeline


def list_file(data_cfg: dict, mode: str) -> str:
    """<dataset_root>/ucf101_{train,val}_split_<split>_rawframes.txt; 'val' and 'test' read the val list (= UCF's
    testlist of the split)."""
    kind = "train" if mode == "train" else "val"
    return os.path.join(data_cfg["dataset_root"], LIST_TMPL.format(mode=kind, split=data_cfg["split"]))


def build_dataset(cfg: dict, mode: str, validate: bool = True) -> RawframeDataset:
    """The split's list of `mode` ('train', 'val' or 'test') through that mode's pipeline; validated first
    (validate_records) so that a bad video stops the run before anything is written."""
    d = cfg["data"]
    records = read_list(list_file(d, mode))
    frame_root = os.path.join(d["dataset_root"], d["rawframes"])
    if validate:
        validate_records(frame_root, records, cfg["model"]["num_classes"], d["filename_tmpl"])
    return RawframeDataset(frame_root, records, build_pipeline(d, mode), d["filename_tmpl"])

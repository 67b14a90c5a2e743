"""NTU feeder over the generated {phase}_data.npy / {phase}_label.pkl, and the input files of infer.py and
predict.py (.skeleton or .npy). Everything a user can get wrong is checked when the data is opened, before
training or inference starts: files, format, shape, dtype, frame and joint counts, NaN/inf, empty samples,
labels (integral, in range, one per sample).
"""
import os
import pickle
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from datasets.transforms import build_transform
from utils import UserError, folder_path
from utils.fail_fast import GuardedDataset

NUM_JOINT = 25
CHUNK = 256  # samples per chunk when scanning a (memory-mapped) array for NaN / empty samples


def load_array(path: str, what: str) -> np.ndarray:
    """A memory-mapped .npy skeleton array [N, 3, T, 25, M] float32 (a single [3, T, 25, M] gets N = 1)."""
    if not os.path.isfile(path):
        raise UserError(f'{path} not found, generate it with `python tools/ntu_reader.py` (or datasets/mini.py '
                        f'for the mini set) and pass its folder as {what}')
    try:
        data = np.load(path, mmap_mode='r', allow_pickle=False)
    except (ValueError, EOFError, OSError) as e:
        raise UserError(f'{path} is not a readable .npy array ({type(e).__name__}: {str(e)[:60]}), regenerate it '
                        'with tools/ntu_reader.py')
    if data.ndim == 4:
        data = data[None]
    if data.ndim != 5 or data.shape[1] != 3 or data.shape[3] != NUM_JOINT:
        raise UserError(f'{path} has shape {list(data.shape)}, expected [N, 3, T, {NUM_JOINT}, M] (x, y, z of the '
                        f'{NUM_JOINT} NTU joints), regenerate it with tools/ntu_reader.py')
    if data.dtype != np.float32:
        raise UserError(f'{path} has dtype {data.dtype}, expected float32, regenerate it with tools/ntu_reader.py')
    if data.shape[0] == 0 or data.shape[2] == 0 or data.shape[4] == 0:
        raise UserError(f'{path} has shape {list(data.shape)}: no sample, frame or person, pass a file with samples')
    return data


def check_samples(data: np.ndarray, path: str, names: Sequence[str]) -> None:
    """Every sample finite and not all zero (a zero-frame or body-less sample); scanned chunk by chunk."""
    for start in range(0, len(data), CHUNK):
        chunk = np.asarray(data[start:start + CHUNK])
        finite = np.isfinite(chunk).reshape(len(chunk), -1).all(1)
        nonzero = chunk.reshape(len(chunk), -1).any(1)
        for i in np.flatnonzero(~finite | ~nonzero):
            kind = 'holds NaN/inf' if not finite[i] else 'is all zero (no frame, no body)'
            raise UserError(f'sample {start + i} ({names[start + i]}) of {path} {kind}, regenerate the data with '
                            'tools/ntu_reader.py (it skips such files) or remove the sample')


def load_labels(path: str, count: int, num_class: Optional[int], data_path: str) -> Tuple[List[str], np.ndarray]:
    """(sample names, int64 labels) of a {phase}_label.pkl = pickle of (names, labels[, frame counts])."""
    if not os.path.isfile(path):
        raise UserError(f'{path} not found, pass the {{phase}}_label.pkl written beside the data by '
                        'tools/ntu_reader.py')
    try:
        with open(path, 'rb') as f:
            content = pickle.load(f)
    except Exception as e:  # any unpicklable file: empty, truncated, text
        raise UserError(f'{path} is not a label pickle ({type(e).__name__}), regenerate it with tools/ntu_reader.py')
    if not (isinstance(content, (tuple, list)) and len(content) in (2, 3)
            and all(isinstance(c, (list, tuple, np.ndarray)) for c in content)):
        raise UserError(f'{path} must hold (sample_names, labels[, frame_counts]) as written by '
                        f'tools/ntu_reader.py, got a {type(content).__name__}; regenerate it')
    names, raw = [str(n) for n in content[0]], np.asarray(content[1])
    if len(names) != count or len(raw) != count:
        raise UserError(f'{path} has {len(names)} names and {len(raw)} labels for {count} samples in {data_path}, '
                        'regenerate both files together')
    if raw.dtype.kind not in 'iuf' or (raw.dtype.kind == 'f' and not np.all(raw == np.round(raw))):
        bad = [v for v in raw.tolist() if not isinstance(v, (int, float)) or v != round(v)][:3]
        raise UserError(f'{path} has labels that are not whole numbers (e.g. {bad}), labels are class ids 0..'
                        f'{(num_class or 1) - 1}: fix the file')
    labels = raw.astype(np.int64)
    if num_class is not None and len(labels) and (labels.min() < 0 or labels.max() >= num_class):
        raise UserError(f'{path} has labels in [{labels.min()}, {labels.max()}] but num_class is {num_class}, '
                        'fix num_class in the config or the labels')
    return names, labels


class NTUFeeder:
    """Sample -> ([I, 6, num_frame, 25, M] float32, label); map-style (paddle.io.DataLoader takes it wrapped in
    utils.fail_fast.GuardedDataset). The split is validated when the feeder is built."""

    def __init__(self, dataset_root: str, phase: str, num_frame: int, num_class: int, inputs: str):
        self.data_path = os.path.join(dataset_root, f'{phase}_data.npy')
        self.data = load_array(self.data_path, '--dataset_root')
        self.names, self.labels = load_labels(os.path.join(dataset_root, f'{phase}_label.pkl'), len(self.data),
                                              num_class, self.data_path)
        check_samples(self.data, self.data_path, self.names)
        self.transform = build_transform(num_frame, inputs)

    def __len__(self) -> int:
        return len(self.labels)

    def sample_name(self, index: int) -> str:
        return f'{self.names[index]} (#{index} of {self.data_path})'

    def __getitem__(self, idx: int):
        x = np.asarray(self.data[idx])
        if not np.isfinite(x).all():  # the file changed after it was validated
            raise UserError('holds NaN/inf, regenerate the data with tools/ntu_reader.py')
        return self.transform(x), self.labels[idx]


def build_dataset(cfg: Dict[str, Any], phase: str) -> GuardedDataset:
    """The validated split of dataset_args.dataset_root (relative paths: to the folder), as training and test.py
    read it, wrapped so that a bad sample found while loading ends the run with one line naming it
    (utils/fail_fast.py)."""
    d = cfg['dataset_args']
    return GuardedDataset(NTUFeeder(folder_path(d['dataset_root']), phase, d['num_frame'], cfg['num_class'],
                                    d['inputs']))


def load_input_file(input_file: str, label_file: Optional[str] = None, transform: bool = False
                    ) -> Tuple[Any, List[str], Optional[np.ndarray]]:
    """A raw NTU .skeleton file, or a .npy of [N, 3, T, 25, M] / [3, T, 25, M] skeletons -> (data, names, labels),
    validated like the training data.

    A .skeleton file goes through the generator's own reader (datasets/ntu_skeleton.py read_sample): zero-padded
    to 300 frames and, with transform=True (dataset_args.transform, the x-view configs), pre-normalised exactly
    like the training data. A .npy is taken as written by tools/ntu_reader.py for the model's variant (already
    pre-normalised where the variant is). labels come from a {phase}_label.pkl when given (the seed infer.py's
    --label_file), else None.
    """
    from datasets.ntu_skeleton import BadSkeletonFile, read_sample
    if not os.path.isfile(input_file):
        raise UserError(f'input {input_file} not found (--input_file), pass a .skeleton file or a '
                        '[N, 3, T, 25, M] .npy')
    if input_file.endswith('.skeleton'):
        try:
            data = read_sample(input_file, transform)[0][None]
        except BadSkeletonFile as e:
            raise UserError(f'{e} (--input_file), pass a complete NTU .skeleton file')
        names = [os.path.basename(input_file)]
    elif input_file.endswith('.npy'):
        data = load_array(input_file, '--input_file')
        names = [f'{os.path.basename(input_file)}[{i}]' for i in range(len(data))]
    else:
        raise UserError(f'{input_file}: unknown input type (--input_file), pass a .skeleton or .npy file')
    labels = None
    if label_file:
        names, labels = load_labels(label_file, len(data), None, input_file)
    check_samples(data, input_file, names)
    return data, names, labels

"""NTU feeder over the generated {phase}_data.npy / {phase}_label.pkl (validated before training starts)."""
import os
import pickle
from typing import List, Optional, Tuple

import numpy as np
import paddle

from datasets.transforms import Compose, MultiInput, TakeFirstFrames
from utils import UserError


def load_split(dataset_root: str, phase: str, num_class: int) -> Tuple[np.ndarray, List[str], np.ndarray]:
    """Memory-mapped data [N, 3, T, 25, M] + names + int64 labels, with every check a user can fail."""
    data_path = os.path.join(dataset_root, f'{phase}_data.npy')
    label_path = os.path.join(dataset_root, f'{phase}_label.pkl')
    for p in (data_path, label_path):
        if not os.path.isfile(p):
            raise UserError(f'{p} not found, generate it with `python tools/ntu_reader.py` (or datasets/mini.py '
                            'for the mini set) and pass its folder as --dataset_root')
    try:
        data = np.load(data_path, mmap_mode='r')
    except ValueError as e:
        raise UserError(f'{data_path} is not a .npy array ({e}), regenerate it with tools/ntu_reader.py')
    if data.ndim != 5 or data.shape[1] != 3 or data.shape[3] != 25:
        raise UserError(f'{data_path} has shape {list(data.shape)}, expected [N, 3, T, 25, M] (xyz, NTU 25 joints)')
    if data.dtype != np.float32:
        raise UserError(f'{data_path} has dtype {data.dtype}, expected float32')
    with open(label_path, 'rb') as f:
        try:
            content = pickle.load(f)
        except Exception as e:  # noqa: BLE001
            raise UserError(f'{label_path} is not a pickle ({type(e).__name__}), regenerate it')
    if not (isinstance(content, (tuple, list)) and len(content) >= 2):
        raise UserError(f'{label_path} must hold (sample_names, labels[, seq_lens]), regenerate it')
    names, labels = list(content[0]), np.asarray(content[1], dtype=np.int64)
    if len(names) != len(data) or len(labels) != len(data):
        raise UserError(f'{label_path} has {len(labels)} labels for {len(data)} samples in {data_path}')
    if len(labels) and (labels.min() < 0 or labels.max() >= num_class):
        raise UserError(f'{label_path} has labels in [{labels.min()}, {labels.max()}] but num_class is '
                        f'{num_class}, fix num_class in the config')
    return data, names, labels


class NTUFeeder(paddle.io.Dataset):
    """Sample -> ([I, 6, num_frame, 25, M] float32, label, name)."""

    def __init__(self, dataset_root: str, phase: str, num_frame: int, num_class: int, inputs: str = 'JVB'):
        self.data, self.names, self.labels = load_split(dataset_root, phase, num_class)
        self.transform = Compose([TakeFirstFrames(num_frame), MultiInput(inputs)])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int):
        x = np.asarray(self.data[idx])
        if not np.isfinite(x).all():
            raise UserError(f'sample {self.names[idx]} holds NaN/inf, regenerate the data with tools/ntu_reader.py')
        return self.transform(x), self.labels[idx]


def load_input_file(input_file: str, label_file: Optional[str] = None, transform: bool = False):
    """A raw NTU .skeleton file, or a .npy of [N, 3, T, 25, M] / [3, T, 25, M] skeletons -> (data, names, labels).

    A .skeleton file goes through the generator's own reader (datasets/ntu_skeleton.py read_sample): zero-padded
    to 300 frames and, with transform=True (dataset_args.transform, the x-view configs), pre-normalised exactly
    like the training data. A .npy is taken as written by tools/ntu_reader.py for the model's variant (already
    pre-normalised where the variant is). labels come from a {phase}_label.pkl when given (the seed infer.py's
    --label_file), else None.
    """
    from datasets.ntu_skeleton import BadSkeletonFile, read_sample
    if not os.path.isfile(input_file):
        raise UserError(f'input {input_file} not found, pass a .skeleton file or a [N, 3, T, 25, M] .npy')
    if input_file.endswith('.skeleton'):
        try:
            data = read_sample(input_file, transform)[0][None]
        except BadSkeletonFile as e:
            raise UserError(f'{e}; pass a complete NTU .skeleton file')
        names = [os.path.basename(input_file)]
    elif input_file.endswith('.npy'):
        data = np.load(input_file, mmap_mode='r')
        if data.ndim == 4:
            data = data[None]
        if data.ndim != 5 or data.shape[1] != 3 or data.shape[3] != 25:
            raise UserError(f'{input_file} has shape {list(data.shape)}, expected [N, 3, T, 25, M]')
        names = [f'{os.path.basename(input_file)}[{i}]' for i in range(len(data))]
    else:
        raise UserError(f'{input_file}: unknown input type, pass a .skeleton or .npy file')
    labels = None
    if label_file:
        if not os.path.isfile(label_file):
            raise UserError(f'label file {label_file} not found, pass the {{phase}}_label.pkl beside the data')
        with open(label_file, 'rb') as f:
            content = pickle.load(f)
        names, labels = list(content[0]), np.asarray(content[1], dtype=np.int64)
        if len(labels) != len(data):
            raise UserError(f'{label_file} has {len(labels)} labels for {len(data)} samples in {input_file}')
    return data, names, labels

"""A small subset of a generated split folder, in the same format (the seed's tiny_data_gen tool)."""
import os
import pickle

import numpy as np

from datasets.feeder import load_array, load_labels
from utils.atomic_io import write_file_atomic


def save_npy_atomic(path: str, array: np.ndarray) -> None:
    """np.save to a temporary name beside `path`, then rename."""
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'wb') as f:
        np.save(f, array)
    os.replace(tmp, path)


def make_tiny(src: str, dst: str, num: int, seed: int = 0) -> dict:
    """Up to `num` samples per phase (seeded choice, original order) of src/ written to dst/; returns the counts."""
    counts = {}
    for phase in ('train', 'eval'):
        data_path = os.path.join(src, f'{phase}_data.npy')
        data = load_array(data_path, '--src')
        names, labels = load_labels(os.path.join(src, f'{phase}_label.pkl'), len(data), None, data_path)
        with open(os.path.join(src, f'{phase}_label.pkl'), 'rb') as f:
            content = pickle.load(f)
        lengths = list(content[2]) if len(content) > 2 else [data.shape[2]] * len(data)
        keep = np.sort(np.random.RandomState(seed).permutation(len(names))[:num])
        os.makedirs(dst, exist_ok=True)
        save_npy_atomic(os.path.join(dst, f'{phase}_data.npy'), np.asarray(data[keep]))
        label = ([names[i] for i in keep], [int(labels[i]) for i in keep], [lengths[i] for i in keep])
        write_file_atomic(os.path.join(dst, f'{phase}_label.pkl'), pickle.dumps(label))
        counts[phase] = len(keep)
    return counts

"""Seeded fake inputs, labels and outputs for steps 1-4, and a random torch MoveNet (non-trivial BN statistics)
saved with torch.save and converted with MoveNet/tools/convert_weights.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import data  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from torch_ref.movenet import MoveNet  # noqa: E402


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    model = MoveNet()
    # BN statistics from a calibration pass (so activations stay O(1)), then random affine parameters
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average
            m.reset_running_stats()
            n = m.num_features
            m.weight.data.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, n)))
            m.bias.data.copy_(torch.from_numpy(rng.normal(0, 0.1, n)))
    model.train()
    with torch.no_grad():
        model(torch.from_numpy(rng.uniform(0, 255, (4, 3, 192, 192)).astype(np.float32)))
    model.eval()
    torch.save(model.state_dict(), data('model.pth'))

    import paddle
    from tools.convert_weights import convert_state_dict, read_torch_state_dict
    state, dropped = convert_state_dict(read_torch_state_dict(data('model.pth')))
    assert not dropped, dropped
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, data('model.pdparams'))

    np.save(data('fake_input.npy'), rng.uniform(0, 255, (2, 3, 192, 192)).astype(np.float32))
    # labels of two persons from the real label builder, and outputs = labels + noise (some joints right, some wrong)
    from datasets.label_maps import build_label_maps
    labels, masks = [], []
    for b in range(2):
        kps = np.concatenate([rng.uniform(0.2, 0.8, (17, 2)), rng.choice([0, 2], (17, 1), p=[0.15, 0.85])], 1)
        kps[0, 2] = 2
        lab, mask = build_label_maps(kps.reshape(-1).tolist(), [0.45 + 0.1 * b, 0.5], [[0.1, 0.2]],
                                     [[[0.15, 0.25]]] + [[] for _ in range(16)])
        labels.append(lab)
        masks.append(mask)
    labels = np.stack(labels).astype(np.float64)
    np.save(data('fake_labels.npy'), labels)
    np.save(data('fake_mask.npy'), np.stack(masks).astype(np.float64))
    out = labels + rng.normal(0, 0.05, labels.shape)
    out[:, :18] = np.clip(out[:, :18] + rng.uniform(0, 0.3, out[:, :18].shape) ** 3, 0, 1)  # sigmoid heads
    out[:, 18:52] += rng.normal(0, 1.0, out[:, 18:52].shape)
    np.save(data('fake_outputs.npy'), out)


if __name__ == '__main__':
    main()

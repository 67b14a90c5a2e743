"""Seeded fake input/labels + a random torch EfficientGCN-B0 saved like an official checkpoint ({'model': ...}),
converted with the folder's own tools/convert_weights.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import torch  # noqa: E402

from tools.convert_weights import convert_state_dict, read_torch_checkpoint  # noqa: E402
from torch_ref.egcn_torch import EfficientGCN  # noqa: E402


def main():
    os.makedirs(C.DATA_DIR, exist_ok=True)
    rng = np.random.RandomState(0)
    np.save(C.FAKE_X, rng.randn(C.BATCH, 3, 6, C.NUM_FRAME, 25, 2).astype(np.float32))
    np.save(C.FAKE_Y, rng.randint(0, C.NUM_CLASS, C.BATCH).astype(np.int64))
    torch.manual_seed(0)
    model = EfficientGCN(C.NUM_CLASS)
    with torch.no_grad():  # move every tensor off its init value so that a wrong mapping cannot pass
        for name, t in model.state_dict().items():
            if name.endswith('running_var'):
                t.uniform_(0.5, 1.5)
            elif name.endswith(('running_mean', '.edge')) or name.endswith('bn.bias'):
                t.add_(torch.randn_like(t) * 0.1)
        model.classifier.fc.weight.normal_(0, 0.1)
    torch.save({'model': model.state_dict(), 'epoch': 0}, C.TORCH_CKPT)
    state, skipped = convert_state_dict(read_torch_checkpoint(C.TORCH_CKPT))
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, C.PADDLE_PARAMS)
    print(f'fake data + weights in {C.DATA_DIR}: {len(state)} tensors converted, {len(skipped)} skipped')


if __name__ == '__main__':
    main()

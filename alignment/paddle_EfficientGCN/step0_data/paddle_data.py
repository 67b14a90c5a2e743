"""Step 0, Paddle side: the raw .skeleton files through the folder's own pipeline, exactly the code train/test
use: datasets/ntu_skeleton.py generate (reader, top-2 bodies, 300-frame buffer, pre-normalisation when the
config says transform) and engine.build_dataset -> NTUFeeder (first num_frame frames, J/V/B features), for the
official configs 2001 (x-sub, transform False) and 2002 (x-view, transform True)."""
import os
import pickle
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import numpy as np  # noqa: E402

from datasets.ntu_skeleton import generate  # noqa: E402
from engine import build_dataset  # noqa: E402

logger = C.reprod_logger()
for key, config in C.STEP0_CONFIGS.items():
    cfg = C.folder_config(config)
    assert cfg['data_shape'][2] == C.STEP0_NUM_FRAME
    out_root = os.path.join(C.DATA, 'paddle_npy')
    generate([C.RAW_NTU], out_root, cfg['dataset'], cfg['dataset_args']['transform'], progress=False,
             logger=SimpleNamespace(info=lambda *_: None))
    root = os.path.join(out_root, 'transformed' if cfg['dataset_args']['transform'] else 'original', cfg['dataset'])
    for phase in ('train', 'eval'):
        _, labels, lengths = pickle.load(open(os.path.join(root, f'{phase}_label.pkl'), 'rb'))
        logger.add(f'{key}_{phase}_reader', np.load(os.path.join(root, f'{phase}_data.npy')))
        dataset = build_dataset(cfg, phase, root)
        logger.add(f'{key}_{phase}_features', np.stack([dataset[i][0] for i in range(len(dataset))]))
        logger.add(f'{key}_{phase}_labels', np.array(labels, dtype=np.float64))
        logger.add(f'{key}_{phase}_lengths', np.array(lengths, dtype=np.float64))
logger.save(C.step_file('step0_data', 'data_paddle.npy'))

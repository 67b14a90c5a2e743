"""Step 0, Paddle side: the raw .skeleton files through the folder's own pipeline, exactly the code train/test
use: datasets/ntu_skeleton.py generate (reader, top-2 bodies, 300-frame buffer, pre-normalisation when the
config says transform) and datasets/feeder.py build_dataset -> NTUFeeder (first num_frame frames, J/V/B features), for the
official configs 2001 (x-sub, transform False) and 2002 (x-view, transform True)."""
import os
import pickle
from types import SimpleNamespace

import numpy as np

import common as C
from datasets.feeder import build_dataset
from datasets.ntu_skeleton import generate

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
        dataset = build_dataset(dict(cfg, dataset_args=dict(cfg['dataset_args'], dataset_root=root)), phase)
        logger.add(f'{key}_{phase}_features', np.stack([dataset[i][0] for i in range(len(dataset))]))
        logger.add(f'{key}_{phase}_labels', np.array(labels, dtype=np.float64))
        logger.add(f'{key}_{phase}_lengths', np.array(lengths, dtype=np.float64))
logger.save(C.step_file('step0_data', 'data_paddle.npy'))

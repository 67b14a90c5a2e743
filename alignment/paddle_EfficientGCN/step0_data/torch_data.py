"""Step 0, reference side: the same raw files through torch_ref/ntu_data.py, our line-by-line numpy version of
the official NTU_Reader.gendata -> pre_normalization (x-view) -> NTU_Feeder.__getitem__ (+ the processor's
float32 cast)."""
import os

import numpy as np

import common as C
from torch_ref.graph import CONNECT_JOINT
from torch_ref.ntu_data import feeder_item, list_split, pre_normalization, read_sample

# the official src/reader/ignore.txt (our folder's copy is the same 535 names, checked line by line)
IGNORED = [n.strip() + '.skeleton' for n in open(os.path.join(C.FOLDER, 'datasets', 'ignore.txt')) if n.strip()]
SETTINGS = {'xsub': ('ntu-xsub', False), 'xview': ('ntu-xview', True)}  # configs 2001 / 2002: dataset, transform

logger = C.reprod_logger()
for key in C.STEP0_CONFIGS:
    benchmark, transform = SETTINGS[key]
    for phase in ('train', 'eval'):
        samples = list_split(C.RAW_NTU, benchmark, phase, IGNORED)
        read = [read_sample(path) for path, _ in samples]
        data = np.array([d for d, _ in read])
        if transform:
            data = pre_normalization(data.copy())
        logger.add(f'{key}_{phase}_reader', data)
        logger.add(f'{key}_{phase}_features',
                   np.stack([feeder_item(d, C.STEP0_NUM_FRAME, CONNECT_JOINT) for d in data]))
        logger.add(f'{key}_{phase}_labels', np.array([label for _, label in samples], dtype=np.float64))
        logger.add(f'{key}_{phase}_lengths', np.array([n for _, n in read], dtype=np.float64))
logger.save(C.step_file('step0_data', 'data_torch.npy'))

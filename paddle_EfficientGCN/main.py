"""The official entry point (class-proxima/EfficientGCNv1 main.py), a thin dispatcher over the functions
tools/ntu_reader.py, train.py and test.py call (datasets.ntu_skeleton.generate, utils.engine.train / test):

    python main.py -c 2001 -gd        # generate the numpy data of config 2001 from the raw .skeleton files
    python main.py -c 2001            # train into <work_dir>/2001_EfficientGCN-B0_ntu-xsub (-r: resume its latest/)
    python main.py -c 2001 -e -pp pretrained/xsub.pdparams    # evaluate
    python main.py -c 2001 -ex        # extract scores/labels to visualization/extraction_2001.npz
Config ids 2001-2012: B0/B2/B4 x (ntu-xsub, ntu-xview, ntu-xsub120, ntu-xset120); a yaml path also works.
"""
import argparse
import io
import os

import numpy as np

from utils import ArgumentParser, folder_path, run_main, set_device
from utils.config import load_config


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('-c', '--config', required=True, help='config id (2001) or yaml path')
    p.add_argument('-gd', '--generate_data', action='store_true')
    p.add_argument('-e', '--evaluate', action='store_true')
    p.add_argument('-ex', '--extract', action='store_true')
    p.add_argument('-pp', '--pretrained_path', default=None)
    p.add_argument('-r', '--resume', action='store_true')
    p.add_argument('-w', '--work_dir', default=folder_path('workdir'))
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    args = p.parse_args(argv)
    path = args.config if args.config.endswith('.yaml') else folder_path(f'configs/{args.config}.yaml')
    cfg = load_config(path)
    name = os.path.splitext(os.path.basename(path))[0]
    save_dir = os.path.join(args.work_dir, f'{name}_{cfg["model_type"]}_{cfg["dataset"]}')
    if args.generate_data:
        from datasets.ntu_skeleton import generate
        d = cfg['dataset_args']
        generate([folder_path(r) for r in d['raw_dirs']], folder_path(d['out_root']), cfg['dataset'], d['transform'])
        return
    set_device(args.device)
    from utils import engine
    if args.evaluate or args.extract:
        weights = args.pretrained_path or os.path.join(save_dir, 'best_model')
        metrics, scores, dataset = engine.test(cfg, weights)
        if args.evaluate:
            print(engine.format_metrics(metrics))
        if args.extract:
            from utils.atomic_io import write_file_atomic
            out, buffer = folder_path(f'visualization/extraction_{name}.npz'), io.BytesIO()
            np.savez(buffer, scores=scores, labels=dataset.labels, names=np.array(dataset.names))
            write_file_atomic(out, buffer.getvalue())
            print(f'extracted {len(scores)} samples to {out}')
        return
    engine.train(cfg, engine.RunOptions(save_dir=save_dir, pretrained=args.pretrained_path,
                                        resume=os.path.join(save_dir, 'latest') if args.resume else None))


if __name__ == '__main__':
    run_main(main)

"""The official entry point, over the same code as train.py / test.py / export_model.py:

    python main.py -c 2001 -gd        # generate the numpy data of config 2001 from the raw .skeleton files
    python main.py -c 2001            # train          (-r: resume from <work_dir>/latest)
    python main.py -c 2001 -e -pp pretrained/xsub.pdparams    # evaluate
    python main.py -c 2001 -ex        # extract scores/labels to visualization/extraction_2001.npz
Config ids 2001-2012: B0/B2/B4 x (ntu-xsub, ntu-xview, ntu-xsub120, ntu-xset120); a yaml path also works.
"""
import argparse
import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from utils import UserError, folder_path, load_config, load_pretrained, run_main, set_device  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('-c', '--config', required=True, help='config id (2001) or yaml path')
    p.add_argument('-gd', '--generate_data', action='store_true')
    p.add_argument('-e', '--evaluate', action='store_true')
    p.add_argument('-ex', '--extract', action='store_true')
    p.add_argument('-pp', '--pretrained_path', default=None)
    p.add_argument('-r', '--resume', action='store_true')
    p.add_argument('-w', '--work_dir', default=folder_path('workdir'))
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    args = p.parse_args(argv)
    path = args.config if args.config.endswith('.yaml') else os.path.join(HERE, 'configs', f'{args.config}.yaml')
    cfg = load_config(path)
    name = os.path.splitext(os.path.basename(path))[0]
    save_dir = os.path.join(args.work_dir, f'{name}_{cfg["model_type"]}_{cfg["dataset"]}')
    d = cfg['dataset_args']
    if args.generate_data:
        from datasets.ntu_skeleton import generate
        try:
            generate(d['raw_dirs'], d['out_root'], cfg['dataset'], d.get('transform', False))
        except FileNotFoundError as e:
            raise UserError(f'{e}, set dataset_args.raw_dirs in {path}')
        return
    set_device(args.device)
    if args.evaluate or args.extract:
        import numpy as np
        from engine import build_dataset, eval_loader, evaluate
        from models import build_model
        model = build_model(cfg)
        load_pretrained(model, args.pretrained_path or os.path.join(save_dir, 'best_model', 'model.pdparams'))
        dataset = build_dataset(cfg, 'eval')
        loader = eval_loader(dataset, cfg['train']['eval_batch_size'])
        if args.evaluate:
            m = evaluate(model, loader, cfg['num_class'])
            print(f'[EVAL] top1: {m["top1"]:.4f}, top5: {m["top5"]:.4f}, mean_class_acc: {m["mean_class_acc"]:.4f}, '
                  f'samples: {m["num_samples"]}')
        if args.extract:
            import paddle
            model.eval()
            with paddle.no_grad():
                scores = np.concatenate([model(x).numpy() for x, _ in loader])
            os.makedirs(folder_path('visualization'), exist_ok=True)
            out = os.path.join(folder_path('visualization'), f'extraction_{name}.npz')
            np.savez(out, scores=scores, labels=dataset.labels, names=np.array(dataset.names))
            print(f'extracted {len(scores)} samples to {out}')
        return
    from engine import train
    train(cfg, SimpleNamespace(dataset_root=None, pretrained=args.pretrained_path, save_dir=save_dir,
                               resume=os.path.join(save_dir, 'latest') if args.resume else None, max_iters=None,
                               log_iters=100, amp=False, use_vdl=False, eval_interval=None, progress=True))


if __name__ == '__main__':
    run_main(main)

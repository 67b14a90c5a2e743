"""Evaluate on the whole eval split (no dropped samples): top-1, top-5, mean class accuracy; with --save_dir also
metrics.json and the confusion matrix picture (confusion_matrix.png).

    python test.py --pretrained output/best_model/model.pdparams       # the config saved beside the checkpoint
    python test.py --config configs/2001.yaml --pretrained pretrained/xsub.pdparams
    python test.py --model_dir output/inference --dataset_root <split folder>   # an export, as infer.py runs it
--model_dir runs the exported model with infer.py's --backend auto (ONNX Runtime when installed and model.onnx is
there, else Paddle Inference with oneDNN) and the export's config.yaml; its scores are probabilities (the same
top-1/top-5/mean class accuracy as the logits).
"""
import argparse
import os

from utils import (
    ArgumentParser,
    folder_path,
    non_negative_int,
    positive_int,
    run_main,
    set_device,
    str2bool,
    write_json,
)
from utils.config import load_config, resolve_config


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=None, help='default: config.yaml beside --pretrained')
    p.add_argument('--dataset_root', default=None, help='folder with eval_data.npy + eval_label.pkl')
    p.add_argument('--pretrained', default=folder_path('output/best_model/model.pdparams'),
                   help='.pdparams or a checkpoint directory')
    p.add_argument('--batch_size', type=positive_int, default=None, help='default: train.eval_batch_size')
    p.add_argument('--num_workers', type=non_negative_int, default=0)
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    p.add_argument('--save_dir', default=None,
                   help='write metrics.json and confusion_matrix.png here (created when missing)')
    p.add_argument('--progress', type=str2bool, default=True)
    p.add_argument('--model_dir', default=None, help='exported model directory: run it instead of --pretrained')
    p.add_argument('--backend', choices=['auto', 'paddle', 'onnxruntime'], default='auto', help='with --model_dir')
    args = p.parse_args(argv)
    root = os.path.abspath(args.dataset_root) if args.dataset_root else None
    beside, flag = (args.model_dir, '--model_dir') if args.model_dir else (args.pretrained, '--pretrained')
    cfg = load_config(resolve_config(args.config, beside, flag), {'dataset_args.dataset_root': root})
    set_device(args.device)
    from utils.engine import format_metrics, test
    model = _Exported(args.model_dir, args.backend) if args.model_dir else None
    metrics, scores, dataset = test(cfg, args.pretrained, args.batch_size, args.num_workers, args.progress, model)
    print(format_metrics(metrics))
    if args.save_dir:
        write_json(os.path.join(args.save_dir, 'metrics.json'), metrics)
        from utils.config import class_names
        from utils.vis import confusion_matrix, save_confusion
        cm = confusion_matrix(scores.argmax(1), dataset.labels, cfg['num_class'])
        out = save_confusion(cm, class_names(cfg), os.path.join(args.save_dir, 'confusion_matrix.png'),
                             f'{cfg["model_type"]} on {len(scores)} samples, top-1 {metrics["top1"]:.4f}')
        print(f'metrics.json and {os.path.basename(out)} written to {args.save_dir}')


class _Exported:
    """An export run by infer.py's Predictor, called like the dygraph model in utils.engine.evaluate."""

    def __init__(self, model_dir: str, backend: str):
        from predict import exported_predictor
        self.predictor = exported_predictor(argparse.Namespace(model_dir=model_dir, backend=backend))

    def eval(self):
        return self

    def __call__(self, x):
        import numpy as np
        out = self.predictor.run(np.ascontiguousarray(x.numpy(), dtype='float32'))
        return type('Scores', (), {'numpy': lambda _self: out})()


if __name__ == '__main__':
    run_main(main)

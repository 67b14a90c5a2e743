"""The training loop's named steps (issue 12: the same six names in every folder) and what each guarantees."""
import numpy as np
import paddle
import pytest
from conftest import NTU_CONFIG, lite_config, model_cfg

from models import build_model
from utils.config import load_config
from utils.engine import build_loaders, build_optimizer, evaluate, resume, save, train_one_epoch  # noqa: F401


def epoch_lrs(cfg, epochs):
    optimizer, scheduler = build_optimizer(cfg, build_model(model_cfg(blocks=[[8, 1]])))
    lrs = []
    for _ in range(epochs):
        lrs.append(optimizer.get_lr())
        scheduler.step()  # once per epoch, as PaddleVideo
    return lrs


def test_cosine_schedule_per_epoch():
    """stgcn_fsd.yaml: CosineAnnealingDecay(learning_rate, T_max = epochs), stepped per epoch."""
    cfg = lite_config()
    lrs = epoch_lrs(cfg, 4)
    expected = [0.5 * 0.01 * (1 + np.cos(np.pi * e / 4)) for e in range(4)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)


def test_piecewise_schedule_of_the_ntu_config():
    """stgcn_ntucs.yaml: PiecewiseDecay boundaries [30, 40] (epochs), values [0.1, 0.01, 0.001]; Momentum 0.9,
    nesterov."""
    cfg = load_config(NTU_CONFIG)
    cfg["model"] = model_cfg(blocks=[[8, 1]])
    lrs = epoch_lrs(cfg, 45)
    np.testing.assert_allclose([lrs[0], lrs[29], lrs[30], lrs[39], lrs[40]], [0.1, 0.1, 0.01, 0.01, 0.001], rtol=1e-6)
    optimizer, _ = build_optimizer(cfg, build_model(cfg["model"]))
    assert optimizer._momentum == 0.9 and optimizer._use_nesterov


@pytest.mark.parametrize("world, rank", [(1, 0), (2, 0), (2, 1)])
def test_validation_covers_every_sample_on_rank_0(mini_root, world, rank):
    """Issue 10: with 2 cards, rank 0 evaluated only its half of the validation set (a DistributedBatchSampler);
    now it scores all of it (a plain BatchSampler), other ranks none. (The training split across cards is the
    DistributedBatchSampler's, which reads the world size from the launch: test_train.py's 2-process test.)"""
    cfg = lite_config()
    loaders = build_loaders(cfg, mini_root, world, rank)
    assert len(loaders.train) == 120 // 8  # one process here: the whole training set
    if rank == 0:
        seen = sum(int(y.shape[0]) for _, y in loaders.val)
        assert seen == 20  # i % 7 == 1 of 140
    else:
        assert loaders.val is None


def test_evaluate_scores_every_sample(trained):
    """evaluate() on the shared trained model equals top-1 computed by hand over the whole validation set."""
    loaders = build_loaders(trained.trainer.cfg, trained.root)
    metrics = evaluate(trained.trainer.model, loaders.val)
    xs, ys = zip(*(loaders.val.dataset[i] for i in range(len(loaders.val.dataset))))
    trained.trainer.model.eval()
    with paddle.no_grad():
        pred = trained.trainer.model(paddle.to_tensor(np.stack(xs))).numpy().argmax(1)
    assert metrics["top1"] == pytest.approx(float((pred == np.concatenate(ys)).mean()))

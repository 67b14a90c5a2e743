"""Seeded scores/labels for the metric check: 200 samples, 60 classes, about half correct at top-1."""
import numpy as np


def fake_scores():
    rng = np.random.RandomState(1)
    labels = rng.randint(0, 60, 200).astype(np.int64)
    scores = rng.randn(200, 60).astype(np.float32)
    boost = rng.rand(200) < 0.5
    scores[boost, labels[boost]] += 3.0
    return scores, labels

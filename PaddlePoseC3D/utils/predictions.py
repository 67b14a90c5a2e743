"""Video-level predictions as infer.py and predict.py print and save them: top-1 id, name and score, top-5."""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

from utils import UserError, write_json


def prediction(name: str, probs: np.ndarray, class_names: Sequence[str], where: str) -> dict:
    """{name, class_id, class_name, score, top5_ids, top5_scores} of one video's averaged probabilities; non-finite
    scores (broken weights) or a class count other than the label list's are UserErrors naming `where`."""
    if probs.shape[-1] != len(class_names):
        raise UserError(f"the model predicts {probs.shape[-1]} classes but the config's class list has "
                        f"{len(class_names)}, {where}, pass the config the model was exported with (its config.yaml)")
    if not np.isfinite(probs).all():
        raise UserError(f"the model gives non-finite scores for {name}, {where}, the weights are broken (NaN/inf): "
                        "export a checkpoint from a run whose loss stayed finite")
    order = np.argsort(-probs, kind="stable")[:5]
    top = int(order[0])
    return {"name": name, "class_id": top, "class_name": class_names[top], "score": float(probs[top]),
            "top5_ids": [int(i) for i in order], "top5_scores": [float(probs[i]) for i in order]}


def print_prediction(entry: dict) -> None:
    print(f"Current video file: {entry['name']}")
    print(f"\ttop-1 class: {entry['class_id']}")
    print(f"\ttop-1 class name: {entry['class_name']}")
    print(f"\ttop-1 score: {entry['score']}")
    print("\ttop-5: " + ", ".join(f"{i}:{p:.6f}" for i, p in zip(entry["top5_ids"], entry["top5_scores"])))


def save_results(path: str, results: List[dict], **meta) -> None:
    """{**meta (model, backend, precision, input_file), "results": [...]} as json, written atomically (the
    directory is created)."""
    write_json(path, dict(meta, results=results))

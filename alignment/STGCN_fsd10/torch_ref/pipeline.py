"""The skeleton data pipeline, written line by line from PaddleVideo (independent of STGCN_fsd10/datasets):

- paddlevideo/loader/dataset/skeleton.py SkeletonDataset.load_file / prepare_train / prepare_test: np.load the
  whole data file; labels from .npy, or from .pkl as (sample_name, label); each sample deep-copied into
  results['data'], results['label'] and run through the pipeline;
- paddlevideo/loader/pipelines/skeleton_pipeline.py AutoPadding, SkeletonNorm, Iden;
- configs/recognition/stgcn/stgcn_fsd.yaml: train = test = AutoPadding(window_size=350) -> SkeletonNorm();
  configs/recognition/stgcn/stgcn_ntucs.yaml: train = valid = test = Iden().

numpy only (the official pipeline is numpy). `endpoint='last_valid'` is NOT official: it is STGCN_fsd10's
documented fix of AutoPadding's sampling (linspace(0, T_valid - 1, W) in place of linspace(0, T_valid, W)),
kept here so the alignment checks our code does what its README says.
"""
import copy
import pickle

import numpy as np


def load_file(file_path, label_path=None):
    """SkeletonDataset.load_file: (data, label or None)."""
    data = np.load(file_path)
    label = None
    if label_path:
        if label_path.endswith("npy"):
            label = np.load(label_path)
        elif label_path.endswith("pkl"):
            with open(label_path, "rb") as f:
                _, label = pickle.load(f)
    return data, label


def prepare(data, label, idx, pipeline):
    """SkeletonDataset.prepare_train (and prepare_test with labels): deep copies through the pipeline."""
    results = {"data": copy.deepcopy(data[idx])}
    if label is not None:
        results["label"] = copy.deepcopy(label[idx])
    for op in pipeline:
        results = op(results)
    return results["data"], results.get("label")


class AutoPadding:
    """skeleton_pipeline.py AutoPadding(window_size, random_pad=False)."""

    def __init__(self, window_size, random_pad=False, endpoint="official"):
        assert not random_pad  # False in stgcn_fsd.yaml (the default)
        self.window_size = window_size
        self.endpoint = endpoint

    def get_frame_num(self, data):
        # from the last frame backwards, the first whose sum over C, V, M is > 0 ends the clip;
        # an all-zero sample keeps T (and then crashes the linspace branch, as the official code)
        C, T, V, M = data.shape
        for i in range(T - 1, -1, -1):
            if np.sum(data[:, i, :, :]) > 0:
                return i + 1
        return T

    def __call__(self, results):
        data = results["data"]
        C, T, V, M = data.shape
        T = self.get_frame_num(data)
        if T == self.window_size:
            data_pad = data[:, :self.window_size, :, :]
        elif T < self.window_size:
            data_pad = np.zeros((C, self.window_size, V, M))  # float64, zeros after the clip (begin 0)
            data_pad[:, 0:T, :, :] = data[:, :T, :, :]
        else:
            if self.endpoint == "official":
                # linspace(0, T, W): the last index is T, one past the clip (IndexError if T is the file's T)
                index = np.linspace(0, T, self.window_size).astype("int64")
            else:  # STGCN_fsd10's fix: first to last valid frame
                index = np.linspace(0, T - 1, self.window_size).astype("int64")
            data_pad = data[:, index, :, :]
        results["data"] = data_pad
        return results


class SkeletonNorm:
    """skeleton_pipeline.py SkeletonNorm(axis=2, squeeze=False)."""

    def __init__(self, axis=2):
        self.axis = axis

    def __call__(self, results):
        data = results["data"]
        data = data - data[:, :, 8:9, :]  # centre on joint 8, every channel (confidence too)
        data = data[:self.axis, :, :, :]  # keep (x, y)
        results["data"] = data.astype("float32")
        if "label" in results:
            results["label"] = np.expand_dims(results["label"], 0).astype("int64")  # label -> [1] int64
        return results


class Iden:
    """skeleton_pipeline.py Iden(label_expand=True)."""

    def __call__(self, results):
        results["data"] = results["data"].astype("float32")
        if "label" in results:
            results["label"] = np.expand_dims(results["label"], 0).astype("int64")
        return results


def fsd_pipeline(window_size=350, endpoint="official"):
    """stgcn_fsd.yaml PIPELINE.train / PIPELINE.test."""
    return [AutoPadding(window_size, endpoint=endpoint), SkeletonNorm()]


def ntu_pipeline():
    """stgcn_ntucs.yaml PIPELINE.train / valid / test."""
    return [Iden()]

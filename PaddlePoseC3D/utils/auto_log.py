"""Stand-in for PaddlePaddle/AutoLog (not on any registry we reach): same API and printed blocks.

logger = AutoLogger(model_name, model_precision, batch_size, data_shape, save_path, inference_config, pids,
                    process_name, gpu_ids, time_keys, warmup, logger)
logger.times.start(); ...; logger.times.stamp(); ...; logger.times.end(stamp=True); logger.report()
Unlike auto_log, report() never calls sys.exit.
"""
from __future__ import annotations

import logging
import os
import platform
import time

import psutil


class Times:
    """Per-batch stage times: start -> stamp (preprocess) -> stamp (inference) -> end (postprocess)."""

    def __init__(self, keys, warmup: int) -> None:
        self.keys, self.warmup = list(keys), warmup
        self.records: list[list[float]] = []
        self._marks: list[float] = []

    def start(self) -> None:
        self._marks = [time.perf_counter()]

    def stamp(self) -> None:
        self._marks.append(time.perf_counter())

    def end(self, stamp: bool = True) -> None:
        if stamp:
            self.stamp()
        self.records.append([b - a for a, b in zip(self._marks, self._marks[1:])])

    def mean_ms(self) -> list[float]:
        rows = self.records[self.warmup:] or self.records
        return [1000 * sum(r[i] for r in rows) / max(len(rows), 1) if rows else 0.0 for i in range(len(self.keys))]


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str, batch_size: int, data_shape, save_path=None,
                 inference_config=None, pids=None, process_name=None, gpu_ids=None,
                 time_keys=("preprocess_time", "inference_time", "postprocess_time"), warmup: int = 0,
                 logger: logging.Logger | None = None) -> None:
        self.model_name, self.precision, self.batch_size, self.data_shape = model_name, model_precision, \
            batch_size, data_shape
        self.config, self.gpu_ids = inference_config, gpu_ids
        self.pid = pids or os.getpid()
        self.times = Times(time_keys, warmup)
        self.data_num = 0
        self.t0 = time.perf_counter()
        self.logger = logger or logging.getLogger("autolog")
        if not self.logger.handlers:
            self.logger.addHandler(logging.StreamHandler())
            self.logger.setLevel(logging.INFO)
        self.logger.propagate = False  # paddle installs a root handler: print each line once
        self.save_path = save_path

    def _conf(self) -> dict:
        c = self.config
        if c is None:
            return {}
        return {"runtime_device": "gpu" if c.use_gpu() else "cpu", "ir_optim": c.ir_optim(),
                "enable_memory_optim": c.enable_memory_optim() if hasattr(c, "enable_memory_optim") else None,
                "enable_tensorrt": c.tensorrt_engine_enabled(), "enable_mkldnn": c.mkldnn_enabled(),
                "cpu_math_library_num_threads": c.cpu_math_library_num_threads()}

    def report(self, identifier: str = "") -> None:
        import paddle
        pre, inf, post = (self.times.mean_ms() + [0.0, 0.0, 0.0])[:3]
        rss = psutil.Process(self.pid).memory_info().rss / 2 ** 20
        ident = f"[{identifier}]" if identifier else ""
        lines = ["\n---------------------- Env info ----------------------",
                 f" OS_version: {platform.platform()}", f" CUDA_version: {paddle.version.cuda()}",
                 f" CUDNN_version: {paddle.version.cudnn()}", f" drivier_version: None",
                 "---------------------- Paddle info ----------------------",
                 f" paddle_version: {paddle.__version__}", f" paddle_commit: {paddle.version.commit}",
                 f" log_api_version: 1.0", "----------------------- Conf info -----------------------",
                 *[f" {k}: {v}" for k, v in self._conf().items()], f" precision: {self.precision}",
                 "----------------------- Model info ----------------------", f" model_name: {self.model_name}",
                 "----------------------- Data info -----------------------", f" batch_size: {self.batch_size}",
                 f" input_shape: {self.data_shape}", f" data_num: {self.data_num}",
                 "----------------------- Perf info -----------------------",
                 f" cpu_rss(MB): {rss:.1f}, gpu_rss(MB): None, gpu_util: None%",
                 f" total time spent(s): {time.perf_counter() - self.t0:.4f}",
                 f" preprocess_time(ms): {pre:.4f}, inference_time(ms): {inf:.4f}, postprocess_time(ms): {post:.4f}"]
        for line in lines:
            self.logger.info(f"{ident} {line}" if ident else line)

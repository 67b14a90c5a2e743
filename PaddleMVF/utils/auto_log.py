"""Fallback for LDOUBLEV/AutoLog (not on PyPI): same constructor/timer API and the same printed
blocks (Env / Paddle / Conf / Model / Data / Perf info); report() returns instead of sys.exit."""
import logging
import os
import platform
import sys
import time

import psutil


class Times:
    def __init__(self, keys=("preprocess_time", "inference_time", "postprocess_time"), warmup: int = 0):
        self.keys = list(keys)
        self.warmup = warmup
        self.records = {k: [] for k in self.keys + ["total_time"]}
        self.stamps = []

    def start(self) -> None:
        self.stamps = [time.perf_counter()]

    def stamp(self) -> None:
        self.stamps.append(time.perf_counter())
        i = len(self.stamps) - 2
        key = self.keys[i] if i < len(self.keys) else f"stamps_{i}"
        self.records.setdefault(key, []).append(self.stamps[-1] - self.stamps[-2])

    def end(self, stamp: bool = False) -> None:
        if stamp:
            self.stamp()
        self.records["total_time"].append(self.stamps[-1] - self.stamps[0])

    def mean(self, key: str) -> float:
        vals = self.records[key][self.warmup:]
        if not vals:
            raise ValueError(f"need more than warmup={self.warmup} timed iterations")
        return sum(vals) / len(vals)


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str = "fp32", batch_size: int = 1,
                 data_shape="dynamic", save_path: str = None, inference_config=None, pids=None,
                 process_name=None, gpu_ids=None, time_keys=("preprocess_time", "inference_time", "postprocess_time"),
                 warmup: int = 0, logger=None):
        self.model_name, self.precision, self.batch_size = model_name, model_precision, batch_size
        self.data_shape, self.config, self.gpu_ids = data_shape, inference_config, gpu_ids
        self.times = Times(time_keys, warmup)
        self.proc = psutil.Process(pids if isinstance(pids, int) else os.getpid())
        self.logger = logger or self._logger(save_path)

    @staticmethod
    def _logger(save_path):
        logger = logging.getLogger("autolog")
        logger.setLevel(logging.INFO)
        logger.propagate = False
        fmt = logging.Formatter("[%(asctime)s] root %(levelname)s: %(message)s", "%Y/%m/%d %H:%M:%S")
        handlers = [logging.StreamHandler(sys.stdout)]
        if save_path:
            os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
            handlers.append(logging.FileHandler(save_path, "w"))
        for h in handlers:
            h.setFormatter(fmt)
            logger.addHandler(h)
        return logger

    def report(self, identifier: str = None) -> None:
        import paddle
        c = self.config
        use_gpu = bool(c is not None and c.use_gpu())
        log = self.logger.info
        pre = f"{identifier} " if identifier else ""
        log(f"{pre}---------------------- Env info ----------------------")
        log(f"{pre} OS_version: {platform.platform()}")
        log(f"{pre} CUDA_version: {paddle.version.cuda() if use_gpu else None}")
        log(f"{pre} CUDNN_version: {paddle.version.cudnn() if use_gpu else None}")
        log(f"{pre} drivier_version: None")
        log(f"{pre}---------------------- Paddle info ----------------------")
        log(f"{pre} paddle_version: {paddle.__version__}")
        log(f"{pre} paddle_commit: {paddle.__git_commit__}")
        log(f"{pre} log_api_version: 1.0")
        log(f"{pre}----------------------- Conf info -----------------------")
        log(f"{pre} runtime_device: {'gpu' if use_gpu else 'cpu'}")
        log(f"{pre} ir_optim: {c.ir_optim() if c else None}")
        log(f"{pre} enable_memory_optim: True")
        log(f"{pre} enable_tensorrt: {c.tensorrt_engine_enabled() if c else None}")
        log(f"{pre} enable_mkldnn: {c.mkldnn_enabled() if c else None}")
        log(f"{pre} cpu_math_library_num_threads: {c.cpu_math_library_num_threads() if c else None}")
        log(f"{pre}----------------------- Model info ----------------------")
        log(f"{pre} model_name: {self.model_name}")
        log(f"{pre} precision: {self.precision}")
        log(f"{pre}----------------------- Data info -----------------------")
        log(f"{pre} batch_size: {self.batch_size}")
        log(f"{pre} input_shape: {self.data_shape}")
        log(f"{pre} data_num: {len(self.times.records['total_time'])}")
        log(f"{pre}----------------------- Perf info -----------------------")
        log(f"{pre} cpu_rss(MB): {self.proc.memory_info().rss / 2 ** 20:.4f}, gpu_rss(MB): None, gpu_util: None%")
        log(f"{pre} total time spent(s): {sum(self.times.records['total_time']):.4f}")
        t = self.times
        log(f"{pre} preprocess_time(ms): {t.mean('preprocess_time') * 1000:.4f}, "
            f"inference_time(ms): {t.mean('inference_time') * 1000:.4f}, "
            f"postprocess_time(ms): {t.mean('postprocess_time') * 1000:.4f}")

"""Stand-in for LDOUBLEV/AutoLog's AutoLogger (not on PyPI): same constructor, `times` API and report blocks.

Differences: memory is sampled in-process with psutil when report() runs, and report() returns instead of
calling sys.exit(0).
"""
import logging
import os
import platform
import sys
import time
from typing import List, Optional

import psutil


class Times:
    def __init__(self, keys: List[str], warmup: int = 0) -> None:
        self.keys, self.warmup = keys, warmup
        self.durations = {key: [] for key in keys}
        self.total_time: List[float] = []
        self._stamps: List[float] = []

    def start(self) -> None:
        self._stamps = [time.perf_counter()]

    def stamp(self) -> None:
        now = time.perf_counter()
        index = len(self._stamps) - 1
        key = self.keys[index] if index < len(self.keys) else f"stamps_{index}"
        self.durations.setdefault(key, []).append(now - self._stamps[-1])
        self._stamps.append(now)

    def end(self, stamp: bool = False) -> None:
        if stamp:
            self.stamp()
        self.total_time.append(self._stamps[-1] - self._stamps[0])

    def mean_ms(self, key: str) -> float:
        values = self.durations.get(key, [])[self.warmup:]
        return 1000 * sum(values) / len(values) if values else 0.0


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str = "fp32", batch_size: int = 1,
                 data_shape="dynamic", save_path: Optional[str] = None, inference_config=None, pids=None,
                 process_name=None, gpu_ids=None,
                 time_keys=("preprocess_time", "inference_time", "postprocess_time"), warmup: int = 0,
                 logger: Optional[logging.Logger] = None) -> None:
        self.model_name, self.precision = model_name, model_precision
        self.batch_size, self.data_shape = batch_size, data_shape
        self.config, self.gpu_ids = inference_config, gpu_ids
        self.pid = pids if isinstance(pids, int) else os.getpid()
        self.times = Times(list(time_keys), warmup)
        self.logger = logger or self._make_logger(save_path)

    @staticmethod
    def _make_logger(save_path: Optional[str]) -> logging.Logger:
        logger = logging.getLogger("auto_log")
        logger.setLevel(logging.INFO)
        logger.propagate = False
        fmt = logging.Formatter("[%(asctime)s] root INFO: %(message)s", "%Y/%m/%d %H:%M:%S")
        if not logger.handlers:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(fmt)
            logger.addHandler(handler)
            if save_path:
                os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
                file_handler = logging.FileHandler(save_path, mode="w")
                file_handler.setFormatter(fmt)
                logger.addHandler(file_handler)
        return logger

    def _conf(self) -> dict:
        c = self.config
        if c is None or isinstance(c, dict):
            return dict(c or {})
        return {"runtime_device": "gpu" if c.use_gpu() else "cpu", "ir_optim": c.ir_optim(),
                "enable_tensorrt": c.tensorrt_engine_enabled(), "enable_mkldnn": c.mkldnn_enabled(),
                "cpu_math_library_num_threads": c.cpu_math_library_num_threads()}

    def report(self, identifier: Optional[str] = None) -> None:
        import paddle
        log = self.logger.info
        conf = self._conf()
        prefix = f"{identifier} " if identifier else ""
        rss = psutil.Process(self.pid).memory_info().rss / 2 ** 20
        log("---------------------- Env info ----------------------")
        log(f"{prefix} OS_version: {platform.platform()}")
        log(f"{prefix} CUDA_version: {paddle.version.cuda() if paddle.is_compiled_with_cuda() else None}")
        log(f"{prefix} CUDNN_version: {paddle.version.cudnn() if paddle.is_compiled_with_cuda() else None}")
        log(f"{prefix} drivier_version: None")
        log("---------------------- Paddle info ----------------------")
        log(f"{prefix} paddle_version: {paddle.__version__}")
        log(f"{prefix} paddle_commit: {paddle.__git_commit__}")
        log(f"{prefix} log_api_version: 1.0")
        log("----------------------- Conf info -----------------------")
        log(f"{prefix} runtime_device: {conf.get('runtime_device', 'cpu')}")
        log(f"{prefix} ir_optim: {conf.get('ir_optim', True)}")
        log(f"{prefix} enable_memory_optim: False")
        log(f"{prefix} enable_tensorrt: {conf.get('enable_tensorrt', False)}")
        log(f"{prefix} enable_mkldnn: {conf.get('enable_mkldnn', False)}")
        log(f"{prefix} cpu_math_library_num_threads: {conf.get('cpu_math_library_num_threads', 1)}")
        log("----------------------- Model info ----------------------")
        log(f"{prefix} model_name: {self.model_name}")
        log(f"{prefix} precision: {self.precision}")
        log("----------------------- Data info -----------------------")
        log(f"{prefix} batch_size: {self.batch_size}")
        log(f"{prefix} input_shape: {self.data_shape}")
        log(f"{prefix} data_num: {len(self.times.total_time)}")
        log("----------------------- Perf info -----------------------")
        log(f"{prefix} cpu_rss(MB): {rss:.4f}, gpu_rss(MB): None, gpu_util: None%")
        log(f"{prefix} total time spent(s): {sum(self.times.total_time):.4f}")
        log(f"{prefix} preprocess_time(ms): {self.times.mean_ms('preprocess_time'):.4f}, "
            f"inference_time(ms): {self.times.mean_ms('inference_time'):.4f}, "
            f"postprocess_time(ms): {self.times.mean_ms('postprocess_time'):.4f}")

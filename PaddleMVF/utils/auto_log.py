"""Stand-in for LDOUBLEV/AutoLog's AutoLogger (not on any registry we reach): the same constructor,
`times.start/stamp/end` API and report blocks (Env / Paddle / Conf / Model / Data / Perf info).

Copied on purpose into every model folder (`make check-copies` keeps the copies identical).
infer.py uses the real `auto_log` when it is importable, this module otherwise. Differences:
memory is sampled in-process with psutil when report() runs, inference_config may also be a dict
(ONNX Runtime), and report() returns instead of calling sys.exit(0).
"""
import logging
import os
import platform
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

import psutil


class Times:
    """Per-batch durations: start(), one stamp() after each stage, end(stamp=True) after the last."""

    def __init__(self, keys: Sequence[str], warmup: int = 0) -> None:
        self.keys, self.warmup = list(keys), warmup
        self.durations: Dict[str, List[float]] = {key: [] for key in self.keys}
        self.total_time: List[float] = []
        self._stamps: List[float] = []

    def start(self) -> None:
        self._stamps = [time.perf_counter()]

    def stamp(self) -> None:
        now = time.perf_counter()
        index = len(self._stamps) - 1
        key = self.keys[index] if index < len(self.keys) else f"stamp_{index}"
        self.durations.setdefault(key, []).append(now - self._stamps[-1])
        self._stamps.append(now)

    def end(self, stamp: bool = False) -> None:
        if stamp:
            self.stamp()
        self.total_time.append(self._stamps[-1] - self._stamps[0])

    def mean_ms(self, key: str) -> float:
        """Mean over the batches after the warm-up ones (all of them when there are too few)."""
        values = self.durations.get(key, [])
        measured = values[self.warmup:] or values
        return 1000 * sum(measured) / len(measured) if measured else 0.0


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str = "fp32", batch_size: int = 1,
                 data_shape: Any = "dynamic", save_path: Optional[str] = None, inference_config: Any = None,
                 pids: Optional[int] = None, process_name: Optional[str] = None, gpu_ids: Any = None,
                 time_keys: Sequence[str] = ("preprocess_time", "inference_time", "postprocess_time"),
                 warmup: int = 0, logger: Optional[logging.Logger] = None) -> None:
        self.model_name, self.precision = model_name, model_precision
        self.batch_size, self.data_shape = batch_size, data_shape
        self.config, self.gpu_ids = inference_config, gpu_ids
        self.pid = pids if isinstance(pids, int) else os.getpid()
        self.times = Times(time_keys, warmup)
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

    def _conf(self) -> Dict[str, Any]:
        c = self.config
        if c is None or isinstance(c, dict):
            return dict(c or {})
        return {"runtime_device": "gpu" if c.use_gpu() else "cpu", "ir_optim": c.ir_optim(),
                "enable_tensorrt": c.tensorrt_engine_enabled(), "enable_mkldnn": c.mkldnn_enabled(),
                "cpu_math_library_num_threads": c.cpu_math_library_num_threads()}

    def _gpu_rss(self) -> Optional[float]:
        try:
            import paddle
            if self._conf().get("runtime_device") == "gpu" and paddle.is_compiled_with_cuda():
                return paddle.device.cuda.max_memory_reserved() / 2 ** 20
        except Exception:  # memory figures are informative only
            return None
        return None

    def report(self, identifier: Optional[str] = None) -> None:
        import paddle
        log = self.logger.info
        conf = self._conf()
        prefix = f"{identifier} " if identifier else ""
        cuda = paddle.is_compiled_with_cuda()
        rss = psutil.Process(self.pid).memory_info().rss / 2 ** 20
        gpu_rss = self._gpu_rss()
        log("---------------------- Env info ----------------------")
        log(f"{prefix} OS_version: {platform.platform()}")
        log(f"{prefix} CUDA_version: {paddle.version.cuda() if cuda else None}")
        log(f"{prefix} CUDNN_version: {paddle.version.cudnn() if cuda else None}")
        log(f"{prefix} drivier_version: None")
        log("---------------------- Paddle info ----------------------")
        log(f"{prefix} paddle_version: {paddle.__version__}")
        log(f"{prefix} paddle_commit: {paddle.__git_commit__}")
        log(f"{prefix} log_api_version: 1.0")
        log("----------------------- Conf info -----------------------")
        log(f"{prefix} runtime_device: {conf.get('runtime_device', 'cpu')}")
        log(f"{prefix} backend: {conf.get('backend', 'paddle_inference')}")
        log(f"{prefix} ir_optim: {conf.get('ir_optim', True)}")
        log(f"{prefix} enable_memory_optim: {conf.get('enable_memory_optim', False)}")
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
        log(f"{prefix} cpu_rss(MB): {rss:.4f}, gpu_rss(MB): "
            f"{'None' if gpu_rss is None else f'{gpu_rss:.4f}'}, gpu_util: None%")
        log(f"{prefix} total time spent(s): {sum(self.times.total_time):.4f}")
        log(f"{prefix} preprocess_time(ms): {self.times.mean_ms('preprocess_time'):.4f}, "
            f"inference_time(ms): {self.times.mean_ms('inference_time'):.4f}, "
            f"postprocess_time(ms): {self.times.mean_ms('postprocess_time'):.4f}")

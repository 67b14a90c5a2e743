"""Stand-in for LDOUBLEV/AutoLog (not on any registry): same constructor, `times` API and report blocks.
Unlike auto_log, report() returns instead of calling sys.exit, and memory is sampled in-process (psutil)."""
import logging
import os
import platform
import sys
import time
from typing import List, Optional


class Times:
    def __init__(self, keys: List[str], warmup: int = 0):
        self.keys, self.warmup = keys, warmup
        self.values = {k: [] for k in keys}
        self.values['total_time'] = []
        self._stamps: List[float] = []

    def start(self) -> None:
        self._stamps = [time.time()]

    def stamp(self) -> None:
        now = time.time()
        idx = len(self._stamps) - 1
        key = self.keys[idx] if idx < len(self.keys) else f'stamps_{idx}'
        self.values.setdefault(key, []).append(now - self._stamps[-1])
        self._stamps.append(now)

    def end(self, stamp: bool = False) -> None:
        if stamp:
            self.stamp()
        self.values['total_time'].append(self._stamps[-1] - self._stamps[0])

    def mean_ms(self, key: str) -> float:
        vals = self.values[key][self.warmup:]
        if not vals:
            raise ValueError(f'only {len(self.values[key])} timed iterations, need more than warmup={self.warmup}')
        return 1000.0 * sum(vals) / len(vals)


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str = 'fp32', batch_size: int = 1,
                 data_shape='dynamic', save_path: Optional[str] = None, inference_config=None, pids=None,
                 process_name=None, gpu_ids=None,
                 time_keys=('preprocess_time', 'inference_time', 'postprocess_time'), warmup: int = 0,
                 logger: Optional[logging.Logger] = None):
        self.model_name, self.precision, self.batch_size, self.data_shape = model_name, model_precision, \
            batch_size, data_shape
        self.config, self.gpu_ids = inference_config, gpu_ids
        self.times = Times(list(time_keys), warmup)
        self.logger = logger or self._make_logger(save_path)
        self.peak_rss = 0.0

    @staticmethod
    def _make_logger(save_path: Optional[str]) -> logging.Logger:
        logger = logging.getLogger('auto_log')
        logger.setLevel(logging.INFO)
        logger.propagate = False
        logger.handlers.clear()
        fmt = logging.Formatter('[%(asctime)s] root INFO: %(message)s', '%Y/%m/%d %H:%M:%S')
        handlers = [logging.StreamHandler(sys.stdout)]
        if save_path:
            os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
            handlers.append(logging.FileHandler(save_path, 'w'))
        for h in handlers:
            h.setFormatter(fmt)
            logger.addHandler(h)
        return logger

    def sample_memory(self) -> None:
        import psutil
        self.peak_rss = max(self.peak_rss, psutil.Process(os.getpid()).memory_info().rss / 2 ** 20)

    def report(self) -> None:
        import paddle
        self.sample_memory()
        c = self.config
        log = self.logger.info
        log('---------------------- Env info ----------------------')
        log(f' OS_version: {platform.platform()}')
        log(' CUDA_version: None')
        log(' CUDNN_version: None')
        log(' drivier_version: None')
        log('---------------------- Paddle info ----------------------')
        log(f' paddle_version: {paddle.__version__}')
        log(f' paddle_commit: {paddle.__git_commit__}')
        log(' log_api_version: 1.0')
        log('----------------------- Conf info -----------------------')
        log(f' runtime_device: {"gpu" if c is not None and c.use_gpu() else "cpu"}')
        log(f' ir_optim: {c.ir_optim() if c is not None else None}')
        log(' enable_memory_optim: False')
        log(f' enable_tensorrt: {c.tensorrt_engine_enabled() if c is not None else False}')
        log(f' enable_mkldnn: {c.mkldnn_enabled() if c is not None else False}')
        log(f' cpu_math_library_num_threads: {c.cpu_math_library_num_threads() if c is not None else 1}')
        log('----------------------- Model info ----------------------')
        log(f' model_name: {self.model_name}')
        log(f' precision: {self.precision}')
        log('----------------------- Data info -----------------------')
        log(f' batch_size: {self.batch_size}')
        log(f' input_shape: {self.data_shape}')
        log(f' data_num: {len(self.times.values["total_time"])}')
        log('----------------------- Perf info -----------------------')
        log(f' cpu_rss(MB): {self.peak_rss:.4f}, gpu_rss(MB): None, gpu_util: None%')
        log(f' total time spent(s): {sum(self.times.values["total_time"]):.4f}')
        log(f' preprocess_time(ms): {self.times.mean_ms("preprocess_time"):.4f}, '
            f'inference_time(ms): {self.times.mean_ms("inference_time"):.4f}, '
            f'postprocess_time(ms): {self.times.mean_ms("postprocess_time"):.4f}')

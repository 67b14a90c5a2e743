"""Own stand-in for AutoLog's AutoLogger (not on PyPI): same constructor, `times.start/stamp/end`, and a
`report()` printing the same Env/Paddle/Conf/Model/Data/Perf blocks. Unlike AutoLog it never calls sys.exit."""
import logging
import os
import platform
import sys
import time
from typing import List, Optional

import psutil


class Times:
    def __init__(self, keys: List[str]):
        self.keys = keys
        self.records = {k: [] for k in keys}
        self.total_time: List[float] = []
        self._stamps: List[float] = []

    def start(self) -> None:
        self._stamps = [time.time()]

    def stamp(self) -> None:
        now = time.time()
        i = len(self._stamps) - 1
        key = self.keys[i] if i < len(self.keys) else f'stamps_{i}'
        self.records.setdefault(key, []).append(now - self._stamps[-1])
        self._stamps.append(now)

    def end(self, stamp: bool = False) -> None:
        if stamp:
            self.stamp()
        self.total_time.append(self._stamps[-1] - self._stamps[0])

    def mean(self, key: str, warmup: int) -> float:
        values = self.records[key][warmup:]
        if not values:
            raise ValueError(f'{key}: no timed iterations after {warmup} warm-up ones')
        return sum(values) / len(values)


class AutoLogger:
    def __init__(self, model_name: str, model_precision: str = 'fp32', batch_size: int = 1, data_shape='dynamic',
                 save_path: Optional[str] = None, inference_config=None, pids=None, process_name=None,
                 gpu_ids=None, time_keys=('preprocess_time', 'inference_time', 'postprocess_time'), warmup: int = 0,
                 logger: Optional[logging.Logger] = None):
        self.model_name, self.precision, self.batch_size, self.data_shape = model_name, model_precision, batch_size, data_shape
        self.config, self.warmup, self.gpu_ids = inference_config, warmup, gpu_ids
        self.pid = pids if isinstance(pids, int) else os.getpid()
        self.times = Times(list(time_keys))
        self.logger = logger or self._make_logger(save_path)
        self._rss_max = 0.0

    @staticmethod
    def _make_logger(save_path: Optional[str]) -> logging.Logger:
        logger = logging.getLogger('auto_log')
        logger.setLevel(logging.INFO)
        logger.propagate = False
        fmt = logging.Formatter('[%(asctime)s] %(name)s %(levelname)s: %(message)s', '%Y/%m/%d %H:%M:%S')
        if not logger.handlers:
            h = logging.StreamHandler(sys.stdout)
            h.setFormatter(fmt)
            logger.addHandler(h)
            if save_path:
                os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
                fh = logging.FileHandler(save_path, 'w')
                fh.setFormatter(fmt)
                logger.addHandler(fh)
        return logger

    def _conf(self) -> dict:
        c = self.config
        if c is None or isinstance(c, dict):
            return dict(c or {})
        return {'runtime_device': 'gpu' if c.use_gpu() else 'cpu', 'ir_optim': c.ir_optim(),
                'enable_memory_optim': True, 'enable_tensorrt': c.tensorrt_engine_enabled(),
                'enable_mkldnn': c.mkldnn_enabled(), 'cpu_math_library_num_threads': c.cpu_math_library_num_threads()}

    def report(self, identifier: Optional[str] = None) -> None:
        import paddle
        rss = psutil.Process(self.pid).memory_info().rss / 1024 ** 2
        log = self.logger.info
        pre = f'{identifier} ' if identifier else ''
        log(f'{pre}---------------------- Env info ----------------------')
        log(f'{pre} OS_version: {platform.platform()}')
        log(f'{pre} CUDA_version: None')
        log(f'{pre} CUDNN_version: None')
        log(f'{pre} drivier_version: None')
        log(f'{pre}---------------------- Paddle info ----------------------')
        log(f'{pre} paddle_version: {paddle.__version__}')
        log(f'{pre} paddle_commit: {paddle.version.commit}')
        log(f'{pre} log_api_version: 1.0')
        log(f'{pre}----------------------- Conf info -----------------------')
        for k, v in self._conf().items():
            log(f'{pre} {k}: {v}')
        log(f'{pre}----------------------- Model info ----------------------')
        log(f'{pre} model_name: {self.model_name}')
        log(f'{pre} precision: {self.precision}')
        log(f'{pre}----------------------- Data info -----------------------')
        log(f'{pre} batch_size: {self.batch_size}')
        log(f'{pre} input_shape: {self.data_shape}')
        log(f'{pre} data_num: {len(self.times.total_time)}')
        log(f'{pre}----------------------- Perf info -----------------------')
        log(f'{pre} cpu_rss(MB): {rss:.4f}, gpu_rss(MB): None, gpu_util: None%')
        log(f'{pre} total time spent(s): {sum(self.times.total_time):.4f}')
        m = {k: self.times.mean(k, self.warmup) * 1000 for k in ('preprocess_time', 'inference_time', 'postprocess_time')}
        log(f"{pre} preprocess_time(ms): {m['preprocess_time']:.4f}, inference_time(ms): {m['inference_time']:.4f}, "
            f"postprocess_time(ms): {m['postprocess_time']:.4f}")

"""Per-iteration linear warm-up + cosine decay (PaddleMVF's CustomWarmupCosineDecay)."""
import math

from paddle.optimizer.lr import LRScheduler


class WarmupCosine(LRScheduler):
    """lr(i) = base * 0.5 * (1 + cos(pi * i / total)) after ``warmup`` iterations; during warm-up a
    linear ramp from 0 to the cosine value at the end of warm-up."""

    def __init__(self, learning_rate: float, total_iters: int, warmup_iters: int = 0, last_epoch: int = -1):
        self.total_iters = max(1, total_iters)
        self.warmup_iters = warmup_iters
        super().__init__(learning_rate, last_epoch)

    def _cosine(self, i: int) -> float:
        return self.base_lr * 0.5 * (1.0 + math.cos(math.pi * min(i, self.total_iters) / self.total_iters))

    def get_lr(self) -> float:
        i = self.last_epoch
        if i < self.warmup_iters:
            return self._cosine(self.warmup_iters) * i / self.warmup_iters
        return self._cosine(i)

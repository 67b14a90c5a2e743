"""Compare a step's <name>_torch.npy with <name>_paddle.npy and write its diff log (mean diff, 1e-6).

Call once per process: reprod_log adds a log handler on every report()."""
import os

from reprod_log import ReprodDiffHelper

HERE = os.path.dirname(os.path.abspath(__file__))


def check(step: str, name: str, log: str) -> None:
    folder = os.path.join(HERE, step)
    helper = ReprodDiffHelper()
    ref = helper.load_info(os.path.join(folder, f"{name}_torch.npy"))
    out = helper.load_info(os.path.join(folder, f"{name}_paddle.npy"))
    helper.compare_info(ref, out)
    helper.report(diff_method="mean", diff_threshold=1e-6, path=os.path.join(folder, log))

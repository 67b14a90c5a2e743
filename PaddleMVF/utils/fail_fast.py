"""A bad sample ends the run with one line, never a hang.

Copied on purpose into every model folder (`make check-copies` keeps the copies identical).

Paddle 3.3's DataLoader reads batches in a thread when num_workers is 0: an exception there kills
the thread and the training loop waits forever (paddle/io/dataloader/dataloader_iter.py,
_DataLoaderIterSingleProcess._thread_loop). With workers, the main process gets a SystemError
("Blocking queue is killed") some seconds later, after Paddle printed the worker's traceback.

GuardedDataset catches any exception while a sample is loaded, prints
`error: sample <name>: <problem>` to stderr and ends the process it runs in (the loader thread's
process, or a worker) with status 2. guarded() wraps the loop over a loader so that the main
process then stops with status 2 too, without a second message.
"""
import os
import sys
from typing import Any, Callable, Iterable, Iterator, Optional


class GuardedDataset:
    """Wraps a map-style dataset; `describe(index)` names a sample in the error line (default: the
    dataset's own `sample_name(index)` when it has one, else `#index`)."""

    def __init__(self, dataset: Any, describe: Optional[Callable[[int], str]] = None) -> None:
        self.dataset = dataset
        self.describe = describe or getattr(dataset, "sample_name", None) or (lambda index: f"#{index}")

    def __len__(self) -> int:
        return len(self.dataset)

    def __getattr__(self, name: str) -> Any:  # labels, num_classes, ... of the wrapped dataset
        if name == "dataset":
            raise AttributeError(name)
        return getattr(self.dataset, name)

    def __getitem__(self, index: int) -> Any:
        try:
            return self.dataset[index]
        except Exception as err:  # any failure: corrupt file, bad value, a bug in a transform
            try:
                name = self.describe(index)
            except Exception:
                name = f"#{index}"
            problem = str(err) if type(err).__name__ == "UserError" else f"{type(err).__name__}: {err}"
            # a tqdm bar on screen has no newline yet: end its line so the error line stands alone
            bars = getattr(sys.modules.get("tqdm"), "tqdm", None)
            lead = "\n" if getattr(bars, "_instances", None) else ""
            sys.stderr.write(f"{lead}error: sample {name}: {problem}\n")
            sys.stderr.flush()
            os._exit(2)  # from the loader thread or a worker: ends that process at once


def guarded(loader: Iterable) -> Iterator:
    """Iterate a DataLoader over a GuardedDataset; a worker that stopped on a bad sample (it printed
    the error line) ends this process with status 2 instead of a Paddle traceback."""
    try:
        yield from loader
    except SystemError as err:
        # Paddle reports the worker GuardedDataset ended either through its SIGCHLD handler or
        # through the killed queue, whichever comes first
        if "Blocking queue is killed" in str(err) or "exited unexpectedly with code 2" in str(err):
            raise SystemExit(2) from None
        raise

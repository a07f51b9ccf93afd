"""Small shared helpers: the user-facing error type, atomic writes, list files, plots."""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator


class SvsError(Exception):
    """A failure the user can fix; the message says what to do. Scripts print it without a traceback."""


def count_at_least(minimum: int):
    """An argparse type: a whole number of at least `minimum` (a clear usage error otherwise)."""
    def count(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return count


def finite_float(text: str) -> float:
    """An argparse type: a number that is not nan or infinite."""
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


@contextmanager
def replaced_when_written(path: str | os.PathLike) -> Iterator[Path]:
    """A fresh temporary path beside `path` to write a file to; it replaces `path` when the block
    ends and is removed if the block fails (a full disk, say), so readers never see half a file.
    The temporary name ends as `path`'s does (Keras checks the ending of a weights file's name)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp.", suffix=f".{path.name}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private; these are ordinary outputs
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` through a temporary file (replaced_when_written). A file that
    already holds `text` is not touched."""
    path = Path(path)
    if path.is_file() and path.read_text() == text:
        return  # unchanged: leave the file (and its timestamp) alone
    with replaced_when_written(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | os.PathLike, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    with open(path) as handle:
        return json.load(handle)


def write_list(path: str | os.PathLike, files: Iterable[str | os.PathLike]) -> None:
    """Write a clip list: one path per line, relative to the list's own folder."""
    base = Path(path).resolve().parent
    lines = [os.path.relpath(Path(f).resolve(), base) for f in files]
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def read_list(path: str | os.PathLike) -> list[Path]:
    """Read a clip list written by `write_list`; paths come back absolute."""
    path = Path(path)
    if not path.is_file():
        raise SvsError(f"clip list {path} not found: run `python download.py` first (or pass --list)")
    base = path.resolve().parent
    return [(base / line.strip()).resolve() for line in path.read_text().splitlines() if line.strip()]


def split_mixing(list_path: str | os.PathLike) -> str | None:
    """The mixing rule of the split a clip list belongs to (split.json beside it, written by
    download.py), or None where there is none."""
    split = Path(list_path).parent / "split.json"
    return read_json(split)["mixing"] if split.is_file() else None


def read_training_log(path: str | os.PathLike) -> list[dict[str, float]]:
    """Rows of the CSV log that train.py writes: step, train_loss, valid_loss (empty when not measured)."""
    if not Path(path).is_file():
        raise SvsError(f"training log {path} not found: train a model first (python train.py), or pass --log")
    with open(path, newline="") as handle:
        return [{k: float(v) if v not in ("", None) else float("nan") for k, v in row.items()}
                for row in csv.DictReader(handle)]


def plot_training_curve(log_path: str | os.PathLike, figure_path: str | os.PathLike) -> Path:
    """Plot train and valid loss against step from the CSV log into a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows = read_training_log(log_path)
    if not rows:
        raise SvsError(f"{log_path} has no rows yet: train first")
    step = np.array([r["step"] for r in rows])
    train = np.array([r["train_loss"] for r in rows])
    valid = np.array([r["valid_loss"] for r in rows])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(step, train, lw=0.5, alpha=0.35, label="train (batch)")
    window = min(200, len(train))
    smooth = np.convolve(train, np.ones(window) / window, mode="valid")
    ax.plot(step[window - 1:], smooth, lw=1.4, label=f"train (mean of {window} steps)")
    has_valid = ~np.isnan(valid)
    if has_valid.any():
        ax.plot(step[has_valid], valid[has_valid], "o-", ms=2, lw=1.2, label="valid (batch)")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    figure_path = Path(figure_path)
    figure_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(figure_path, dpi=120)
    plt.close(fig)
    return figure_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plot the training curve from train.py's CSV log.")
    parser.add_argument("--log", default="model/train_log.csv", help="CSV log written by train.py")
    parser.add_argument("--output", default="figures/training_loss.png", help="PNG to write")
    args = parser.parse_args(argv)
    try:
        print(f"wrote {plot_training_curve(args.log, args.output)}")
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

r"""Does the GRU separate better when it hears a song as it heard its training windows? evaluate.py
with the network restarted from a zero state for every H frames, after W frames of warm-up.

    python experiments/state_windows.py --windows W H --list data/dev-amy/valid.txt \
        --model-dir runs/dev-NAME --output-dir statistics/windows --name NAME-windowsW-H [evaluate.py flags]

The context recipe trains on 100-frame windows, each from a zero state, so the network never ran
longer than 100 frames while it learned; main.py runs it over a whole song in one go, its state
carried from the first frame to the last. Here the mask of frames t..t+H-1 comes from a run that
starts at frame t - W (W + H = 100 is the training length) and whose first W outputs are dropped,
at (W + H) / H times the network's time. Every network of an ensemble, in every pitch view, is run
this way; the stream carries the last W frames from block to block instead of the GRU states.
"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import evaluate_with  # noqa: E402  (it puts the repository on the path)
import separator  # noqa: E402
from utils import SvsError  # noqa: E402


def windowed_vocals_mask(network: separator.Separator, warmup: int, hop: int):
    """A replacement for `network.vocals_mask` that restarts the GRU for every `hop` frames after
    `warmup` frames of the input before them; its "states" are the last `warmup` frames heard."""

    def vocals_mask(self, magnitude: np.ndarray, states: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        bins = self.config.num_bins
        heard = np.zeros((0, bins), np.float32) if states is None else states
        history = np.concatenate([heard, np.asarray(magnitude, np.float32)])
        frames = history * self._input_gain
        masks = [np.zeros((0, bins), np.float32)]
        for start in range(len(heard), len(history), hop):
            first = max(0, start - warmup)
            mask, _ = self._run(np.ascontiguousarray(frames[first:start + hop]), self.initial_states())
            masks.append(mask[start - first:])
        return separator.post_filter(np.concatenate(masks), self.mask_power), history[max(0, len(history) - warmup):]

    if network.config.lookahead:
        raise SvsError("state windows are for models without lookahead")
    if warmup < 0 or hop < 1 or warmup + hop > network.chunk_frames:
        raise SvsError(f"need warmup >= 0, hop >= 1 and warmup + hop <= {network.chunk_frames}")
    return types.MethodType(vocals_mask, network)


def networks(node) -> list[separator.Separator]:
    """The Separators inside a loaded separator (through its pitch views and ensemble members)."""
    if isinstance(node, separator.Separator):
        return [node]
    if isinstance(node, separator.Ensemble):
        return node.members
    return networks(node.inner)


def with_state_windows(values: list[str], load, *args, **kwargs):
    if len(values) != 2:
        raise SystemExit("--windows takes two numbers: warm-up frames W and hop H")
    warmup, hop = int(values[0]), int(values[1])
    loaded = load(*args, **kwargs)
    for network in networks(loaded):
        network.vocals_mask = windowed_vocals_mask(network, warmup, hop)
    return loaded


def main(argv: list[str] | None = None) -> int:
    return evaluate_with(argv, "--windows", with_state_windows)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

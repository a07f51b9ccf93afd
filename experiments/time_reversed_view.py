r"""Does a time-reversed pass help? evaluate.py, with every clip also separated played backwards.

    python experiments/time_reversed_view.py --list data/dev-amy/valid.txt --model-dir runs/dev-NAME \
        --output-dir statistics/reversed --name NAME-reversed [other evaluate.py flags]

The vocals are the mean of the forward separation and the backward one turned round, the
accompaniment the rest of the mixture. The causal GRU then has the whole clip as context, at
twice the time, but only for a whole clip in memory (main.py streams, so it has no such option).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import evaluate  # noqa: E402
import separator  # noqa: E402


class TimeReversedView(separator._MaskSeparator):
    """A separator's `separate` averaged with its separation of the input played backwards."""

    def __init__(self, inner: separator._MaskSeparator):
        self.inner = inner
        self.config, self.backend, self.mask_power = inner.config, inner.backend, inner.mask_power
        self.input_gain_db, self.semitones = inner.input_gain_db, getattr(inner, "semitones", [])

    def separate(self, waveform: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
        forward = self.inner.separate(waveform, sample_rate)["vocals"]
        backward = self.inner.separate(np.ascontiguousarray(waveform[..., ::-1]), sample_rate)["vocals"][..., ::-1]
        vocals = 0.5 * (forward + backward)
        return {"vocals": vocals, "accompaniment": waveform - vocals}


def main(argv: list[str] | None = None) -> int:
    load = separator.load_separator
    separator.load_separator = lambda *args, **kwargs: TimeReversedView(load(*args, **kwargs))
    return evaluate.main(argv)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

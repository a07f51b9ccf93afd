r"""Do tempo views help, as pitch views do? evaluate.py with the network also hearing each clip faster and slower.

    python experiments/tempo_views.py --tempo-views 0.85 1.15 --list data/dev-amy/valid.txt \
        --model-dir runs/dev-NAME --output-dir statistics/tempo --name NAME-tempo085115 [other evaluate.py flags]

Each tempo view is the clip's magnitude spectrogram read at another frame rate (linear
interpolation in time, pitch untouched: rate 1.15 has 1/1.15 as many frames); its vocals mask
is read back onto the clip's frames. The vocals mask is the mean over the clip as it is and
every tempo view, each of them with the separator's own pitch views (their masks averaged
before any post-filter), and `--mask-power` post-filters that mean once. Whole clips at the
model's rate, mono only (MIR-1K's dev clips); main.py streams and has no such option.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with_views, read_frames  # noqa: E402  (it puts the repository on the path)


def resample_frames(spectra: np.ndarray, frames: int) -> np.ndarray:
    """(T, bins) read at `frames` evenly spaced positions from the first frame to the last."""
    return read_frames(spectra, np.linspace(0, len(spectra) - 1, frames))


class TempoViews(WholeClips):
    """A separator whose vocals mask is the mean over tempo views of the clip (whole clips, mono)."""

    def __init__(self, inner, rates, mask_power: float):
        super().__init__(inner, mask_power)
        self.rates = sorted({1.0, *map(float, rates)})

    def vocals_mask(self, magnitude: np.ndarray) -> np.ndarray:
        masks = []
        for rate in self.rates:
            frames = max(2, round(len(magnitude) / rate))
            view = magnitude if rate == 1 else np.ascontiguousarray(resample_frames(magnitude, frames))
            mask, _ = self.inner.vocals_mask(view)
            masks.append(mask if rate == 1 else resample_frames(mask, len(magnitude)))
        return self.mean_of_views(masks)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with_views(argv, "--tempo-views", TempoViews)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

r"""Do views shifted by a fraction of a hop help, as pitch views do? evaluate.py with the network
also hearing each clip's STFT taken at other frame positions.

    python experiments/time_shift_views.py --time-shifts 0.5 --list data/dev-amy/valid.txt \
        --model-dir runs/dev-NAME --output-dir statistics/shift --name NAME-shift05 [other evaluate.py flags]

A shift of f (0 < f < 1) is the clip with f x hop zeros in front of it, so that its STFT frames
sit f of a hop earlier in the clip than the clip's own frames: a frame grid the network has not
seen for this clip, with the same sound. Each view's vocals mask is read back onto the clip's
frames (linear interpolation in time), and the vocals mask is the mean over the clip as it is
and every shifted view, each of them with the separator's own pitch views (their masks averaged
before any post-filter); `--mask-power` post-filters that mean once. Whole clips at the model's
rate, mono only (MIR-1K's dev clips); main.py streams and has no such option.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with_views, read_frames  # noqa: E402  (it puts the repository on the path)
from utils import SvsError  # noqa: E402


class TimeShiftViews(WholeClips):
    """A separator whose vocals mask is the mean over views of the clip on shifted frame grids."""

    def __init__(self, inner, shifts, mask_power: float):
        super().__init__(inner, mask_power)
        shifts = sorted({0.0, *map(float, shifts)})
        if not all(0 <= shift < 1 for shift in shifts):
            raise SvsError(f"--time-shifts are fractions of a hop, from 0 up to 1: got {shifts}")
        self.shifts = shifts

    def shifted_mask(self, waveform: np.ndarray, shift: float, frames: int) -> np.ndarray:
        """The vocals mask of the view `shift` of a hop later, on the clip's own `frames` frames.
        Its frame j is centred f x hop samples before the clip's frame j, so the clip's frame t
        lies at the view's position t + f."""
        import librosa

        config = self.config
        pad = round(shift * config.hop_length)
        view = np.concatenate([np.zeros(pad, np.float32), waveform])
        magnitude = np.abs(librosa.stft(view, n_fft=config.n_fft, hop_length=config.hop_length)).T
        mask = self.inner.vocals_mask(np.ascontiguousarray(magnitude))[0]
        return read_frames(mask, np.arange(frames) + pad / config.hop_length)

    def clip_mask(self, waveform: np.ndarray, spectrum: np.ndarray) -> np.ndarray:
        masks = [self.shifted_mask(waveform, shift, spectrum.shape[1]) for shift in self.shifts]
        return self.mean_of_views(masks)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with_views(argv, "--time-shifts", TimeShiftViews)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

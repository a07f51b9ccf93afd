"""What phase_iterations.py, tempo_views.py and time_shift_views.py share: evaluate.py with a separator that sees whole
mono clips at the model's rate through one centred librosa STFT, made from the separator
evaluate.py would load, and an option of the script's own taken off the command line first."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import evaluate  # noqa: E402
import separator  # noqa: E402
from utils import SvsError  # noqa: E402


def read_frames(spectra: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(T, bins) read at fractional frame positions (linear interpolation in time, held at both ends)."""
    positions = np.clip(positions, 0, len(spectra) - 1)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, len(spectra) - 1)
    weight = (positions - low)[:, None].astype(np.float32)
    return (1 - weight) * spectra[low] + weight * spectra[high]


class WholeClips(separator._MaskSeparator):
    """`inner`'s vocals mask on a whole clip's STFT, applied by `synthesise` (plain masking here)."""

    def __init__(self, inner: separator._MaskSeparator, mask_power: float | None = None):
        self.inner = inner
        self.config, self.backend = inner.config, inner.backend
        self.mask_power = inner.mask_power if mask_power is None else mask_power
        self.input_gain_db, self.semitones = inner.input_gain_db, getattr(inner, "semitones", [])

    def vocals_mask(self, magnitude: np.ndarray) -> np.ndarray:
        """(frames, bins) magnitudes of a whole clip -> its (frames, bins) vocals mask."""
        return self.inner.vocals_mask(magnitude)[0]

    def mean_of_views(self, masks: list[np.ndarray]) -> np.ndarray:
        """The views' (frames, bins) vocals masks averaged, then post-filtered once with `mask_power`."""
        return separator.post_filter(np.mean(masks, axis=0, dtype=np.float32), self.mask_power)

    def clip_mask(self, waveform: np.ndarray, spectrum: np.ndarray) -> np.ndarray:
        """The (frames, bins) vocals mask of a clip, from its waveform and (bins, frames) STFT."""
        return self.vocals_mask(np.ascontiguousarray(np.abs(spectrum).T))

    def synthesise(self, waveform: np.ndarray, spectrum: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The vocals from the clip, its (bins, frames) STFT and a mask of that shape."""
        import librosa

        return librosa.istft(mask * spectrum, hop_length=self.config.hop_length, length=len(waveform))

    def separate(self, waveform: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
        config = self.config
        if waveform.ndim != 1 or sample_rate != config.sample_rate:
            raise SvsError(f"{type(self).__name__} takes mono audio at {config.sample_rate} Hz")
        import librosa

        waveform = np.asarray(waveform, np.float32)
        spectrum = librosa.stft(waveform, n_fft=config.n_fft, hop_length=config.hop_length)
        mask = self.clip_mask(waveform, spectrum)
        vocals = self.synthesise(waveform, spectrum, mask.T).astype(np.float32)
        return {"vocals": vocals, "accompaniment": waveform - vocals}


def evaluate_with(argv: list[str] | None, option: str, make, doc: str | None = None) -> int:
    """evaluate.main on `argv` less `option` and the values after it, with every separator it
    loads replaced by make(values, load, *args, **kwargs); `load` is the usual loader. The option
    and its values go into the summary (and --resume's check) as the `variant`. --help
    prints `doc` (default: the docstring of make's module)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = f"usage: {Path(sys.argv[0]).name} {option} VALUE ... [evaluate.py flags]"
    if "-h" in argv or "--help" in argv:
        print(f"{usage}\n\n{(doc or sys.modules[make.__module__].__doc__ or '').strip()}")
        return 0
    if option not in argv:
        raise SystemExit(usage)
    at = end = argv.index(option)
    while end + 1 < len(argv) and not argv[end + 1].startswith("--"):
        end += 1
    values = argv[at + 1:end + 1]
    del argv[at:end + 1]
    load = separator.load_separator
    separator.load_separator = lambda *args, **kwargs: make(values, load, *args, **kwargs)
    return evaluate.main(argv, variant={option: values})


def evaluate_with_views(argv: list[str] | None, option: str, views) -> int:
    """evaluate_with for extra views of each clip: the separator evaluate.py would load, without its
    post-filter (the mean of its pitch views), goes into views(inner, values, mask_power), which
    post-filters the mean of all views once with --mask-power, or the model's mask_power."""
    def make(values, load, *args, mask_power=None, **kwargs):
        inner = load(*args, mask_power=1.0, **kwargs)
        return views(inner, values, inner.config.mask_power if mask_power is None else mask_power)

    return evaluate_with(argv, option, make, sys.modules[views.__module__].__doc__)

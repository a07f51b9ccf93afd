r"""Does better phase help? evaluate.py with the masked stems refined by MISI iterations.

    python experiments/phase_iterations.py --misi N --list data/dev-amy/valid.txt \
        --model-dir runs/dev-NAME --output-dir statistics/phase --name NAME-misiN [other evaluate.py flags]

Soft masking gives each source the mixture's phase. MISI (multiple input spectrogram
inversion; Gunawan and Sen 2010, "Iterative phase estimation for the synthesis of separated
sources from single-channel mixtures") keeps each source's
masked magnitude and re-estimates its phase: each iteration shares the mixture's residual
equally between the two sources, takes each source's STFT phase, and inverts its masked
magnitude with that phase. `--misi 0` is plain masking through the same STFT here, the
baseline to compare with. Whole clips at the model's rate, mono only (MIR-1K's dev clips);
main.py streams and has no such option.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with  # noqa: E402


def misi(mixture: np.ndarray, spectrum: np.ndarray, vocals_mask: np.ndarray, hop: int,
         iterations: int) -> np.ndarray:
    """Vocals of `mixture` (samples,) from its centred (bins, frames) STFT `spectrum` and a mask of
    that shape, after `iterations` MISI steps (0: the masked mixture itself)."""
    import librosa

    def stft(signal):
        return librosa.stft(signal, n_fft=2 * (len(spectrum) - 1), hop_length=hop)

    def istft(spectrum):
        return librosa.istft(spectrum, hop_length=hop, length=len(mixture))

    magnitudes = (vocals_mask * np.abs(spectrum), (1 - vocals_mask) * np.abs(spectrum))
    sources = [istft(vocals_mask * spectrum), istft((1 - vocals_mask) * spectrum)]
    for _ in range(iterations):
        residual = (mixture - sources[0] - sources[1]) / 2
        sources = [istft(magnitude * np.exp(1j * np.angle(stft(source + residual))))
                   for magnitude, source in zip(magnitudes, sources)]
    return sources[0]


class PhaseIterations(WholeClips):
    """A separator whose vocals mask is applied with MISI phase refinement (mono, model rate)."""

    def __init__(self, inner, iterations: int):
        super().__init__(inner)
        self.iterations = iterations

    def synthesise(self, waveform: np.ndarray, spectrum: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return misi(waveform, spectrum, mask, self.config.hop_length, self.iterations)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with(argv, "--misi", lambda values, load, *args, **kwargs:
                         PhaseIterations(load(*args, **kwargs), int(values[0])))


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

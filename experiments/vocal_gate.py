r"""Does silencing the vocals where nobody sings help? evaluate.py with a vocal-activity gate.

    python experiments/vocal_gate.py --gate -15 --list data/dev-amy/valid.txt \
        --model-dir runs/dev-NAME --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 \
        --repet-weight 0.35 --output-dir statistics/gate --name NAME-...-gate15 [other evaluate.py flags]

Where a frame has no voice, whatever the vocals stem holds there is accompaniment that leaked
through. `--gate T` estimates, for every frame, the share of its energy that the separator's own
vocals mask gives the vocals (the sum over bins of (mask x magnitude)^2 over the sum of
magnitude^2, in dB); a frame whose share is below T dB is taken as one without voice, and its
vocals go to the accompaniment (both masks set to 0 there: the vocals stem is silent and the
karaoke track is the mixture). `--gate T S` first takes the median of the share over S frames
(odd; 1, none, by default), so that single frames do not flicker in and out. Everything else is
the separator evaluate.py would load (with the repetition prior, its two masks; without, one
mask for both stems); each chunk of main.py's stream is gated on its own frames, so a MIR-1K
clip is gated as a whole. `--gate -inf` gates nothing: the separator as it is.

How much a perfect gate could give, on another separator's stems (main.py's, say):

    python evaluate.py --list data/dev-amy/valid.txt --write-mixtures work/gate/mixtures
    python main.py work/gate/mixtures --model runs/dev-NAME ... --output-dir work/gate/stems --format wav
    python experiments/vocal_gate.py --oracle -20 --list data/dev-amy/valid.txt \
        --estimates work/gate/stems --output-dir work/gate/oracle20
    python evaluate.py --list data/dev-amy/valid.txt --estimates work/gate/oracle20 ...

`--oracle T` takes the frames where the clip's true voice is below its true accompaniment plus T dB
(T = -20: more than 20 dB below it; the sources mixed as evaluate.py mixes them, on the model's
STFT) as the frames without voice, and moves the vocals stem's content there into the accompaniment
stem (`--oracle=-inf`: none).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import evaluate_with  # noqa: E402  (it puts the repository on the path)
import separator  # noqa: E402
from utils import SvsError  # noqa: E402


def vocal_share_db(mask: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    """(frames,) share of each frame's energy that the (frames, bins) vocals mask keeps, in dB
    (-inf for a silent frame)."""
    energy = np.sum(magnitude.astype(np.float64) ** 2, axis=1)
    kept = np.sum((mask * magnitude).astype(np.float64) ** 2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(energy > 0, kept / np.where(energy > 0, energy, 1), 0.0)
        return 10 * np.log10(share)


def gate_frames(share_db: np.ndarray, threshold_db: float, smooth: int = 1) -> np.ndarray:
    """(frames,) 1 where the (frames,) share, median-filtered over `smooth` frames, is at least
    `threshold_db`, else 0."""
    from scipy.ndimage import median_filter

    if smooth > 1:
        share_db = median_filter(np.nan_to_num(share_db, neginf=-1e9), size=smooth, mode="nearest")
    return (share_db >= threshold_db).astype(np.float32)


class VocalGate(separator._MaskSeparator):
    """`inner`'s stem masks, both set to 0 in the frames the gate finds without voice."""

    stem_mask_count = 2

    def __init__(self, inner: separator._MaskSeparator, threshold_db: float, smooth: int = 1):
        if smooth < 1 or smooth % 2 == 0:
            raise SvsError(f"--gate: the median's length is an odd number of frames, got {smooth}")
        self.inner, self.threshold_db, self.smooth = inner, float(threshold_db), int(smooth)
        self.config, self.chunk_frames, self.backend = inner.config, inner.chunk_frames, inner.backend
        self.input_gain_db, self.semitones = inner.input_gain_db, getattr(inner, "semitones", [])
        # what evaluate.py records of the separator: its post-filter and any repetition prior's settings
        self.mask_power, self.weight = inner.mask_power, getattr(inner, "weight", 0.0)
        self.settings = getattr(inner, "settings", {})

    def stem_masks(self, magnitude: np.ndarray, states=None):
        masks, states = self.inner.stem_masks(magnitude, states)
        if len(masks) == 1:
            masks = np.concatenate([masks, masks])
        gate = gate_frames(vocal_share_db(masks[0], magnitude), self.threshold_db, self.smooth)
        return masks * gate[None, :, None], states

    def vocals_mask(self, magnitude: np.ndarray, states=None):
        masks, states = self.stem_masks(magnitude, states)
        return masks[0], states


def with_gate(values, load, *args, **kwargs) -> VocalGate:
    """The separator evaluate.py would load, gated at `values`' threshold (dB) and median length."""
    try:
        numbers = [float(value) for value in values]
    except ValueError:
        raise SvsError(f"--gate takes a threshold in dB and a median length, got {' '.join(values)}") from None
    if not 1 <= len(numbers) <= 2 or (len(numbers) == 2 and not numbers[1].is_integer()):
        raise SvsError(f"--gate takes a threshold in dB and a median length, got {' '.join(values)}")
    return VocalGate(load(*args, **kwargs), numbers[0], int(numbers[1]) if len(numbers) == 2 else 1)


def oracle(argv: list[str]) -> int:
    """--oracle: the stems in --estimates, gated by the true voice, written to --output-dir."""
    import argparse

    import librosa
    import soundfile as sf

    from config import Config
    from preprocess import load_mir1k_clip
    from utils import read_list

    parser = argparse.ArgumentParser(description="the stems gated by the true voice (see --help of --gate)")
    parser.add_argument("--oracle", type=float, required=True, metavar="T", help="a frame whose voice is below its accompaniment plus T dB is without voice")
    parser.add_argument("--list", type=Path, required=True)
    parser.add_argument("--estimates", type=Path, required=True, help="<clip>_src1.wav and <clip>_src2.wav")
    parser.add_argument("--output-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    config = Config()
    args.output_dir.mkdir(parents=True, exist_ok=True)

    def stft(waveform):
        return librosa.stft(waveform, n_fft=config.n_fft, hop_length=config.hop_length)

    gated = frames = 0
    for path in read_list(args.list):
        _, accompaniment, vocals = load_mir1k_clip(path, mixing="0db", sample_rate=config.sample_rate)
        voice = np.sum(np.abs(stft(vocals)) ** 2, axis=0)
        rest = np.sum(np.abs(stft(accompaniment)) ** 2, axis=0)
        with np.errstate(divide="ignore"):
            gate = (10 * np.log10(voice) >= 10 * np.log10(rest) + args.oracle).astype(np.float32)
        stems = {k: sf.read(args.estimates / f"{path.stem}_src{k}.wav", dtype="float32") for k in (1, 2)}
        (accompaniment_hat, rate), (vocals_hat, _) = stems[1], stems[2]
        if rate != config.sample_rate or vocals_hat.ndim != 1:
            raise SvsError(f"{path.stem}: the stems are {config.sample_rate} Hz mono for --oracle")
        cut = stft(vocals_hat)[:, :len(gate)] * (1 - gate)  # what the gate moves, (bins, frames)
        moved = librosa.istft(cut, hop_length=config.hop_length, length=len(vocals_hat))
        sf.write(args.output_dir / f"{path.stem}_src2.wav", vocals_hat - moved, rate, subtype="FLOAT")
        sf.write(args.output_dir / f"{path.stem}_src1.wav", accompaniment_hat + moved, rate, subtype="FLOAT")
        gated, frames = gated + int(np.sum(1 - gate)), frames + len(gate)
    print(f"{args.output_dir}: {gated} of {frames} frames without voice by the sources ({gated / frames:.1%})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(word == "--oracle" or word.startswith("--oracle=") for word in argv):  # --oracle=-inf: no gate
        try:
            return oracle(argv)
        except SvsError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return evaluate_with(argv, "--gate", with_gate)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

r"""Two reference points for the dev scores: a separator that learns nothing, and the ideal ratio mask.

    python experiments/reference_separations.py --method repet-sim --list data/dev-amy/valid.txt \
        --output-dir separated/repet-sim-abjones
    python evaluate.py --list data/dev-amy/valid.txt --estimates separated/repet-sim-abjones \
        --output-dir statistics/reference --name repet-sim-abjones

For every clip of the list, a method writes `<clip>_src2.wav` (vocals) and `<clip>_src1.wav`
(accompaniment), cut from the clip's mixture as evaluate.py mixes it (the split's rule: 0 dB for
the dev and huang2014 splits) on the model's STFT (1024 / 256 at 16 kHz):

- `repet-sim`: REPET-SIM (Rafii and Pardo, 2012) as librosa's vocal-separation example builds
  it (`repetition.repet_sim_masks`: the same masks, computed faster), with the example's
  settings: each frame's accompaniment magnitude is the median of its nearest frames by cosine
  similarity, leaving out those less than 2 s away (less where a clip is too short for that),
  and soft masks with margins 2 (accompaniment) and 10 (vocals), power 2 (`--margins 1 1`: masks
  that add up to one). It learns nothing, so it is one reference for
  both dev directions.
- `ratio-mask`: the ideal ratio mask |V| / (|V| + |A|) from the true sources, the issue's ceiling
  for soft masks on this STFT (it puts it at 13.1 dB vocals on the test singers).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import Config, MIXING_RULES  # noqa: E402
from evaluate import SOURCES  # noqa: E402
from repetition import REPET_MARGINS, repet_sim_masks  # noqa: E402
from separator import STEM_LABELS  # noqa: E402
from utils import SvsError, read_list, replaced_when_written, split_mixing  # noqa: E402

METHODS = ("repet-sim", "ratio-mask")


def ratio_masks(accompaniment: np.ndarray, vocals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(vocals mask, accompaniment mask) of the true sources' (bins, frames) STFTs: |V| / (|V| + |A|)."""
    total = np.abs(vocals) + np.abs(accompaniment)
    mask = np.divide(np.abs(vocals), total, out=np.zeros(total.shape, np.float32), where=total > 0)
    return mask, 1 - mask


def separate_clip(path: Path, method: str, mixing: str, config: Config,
                  margins: tuple[float, float] = REPET_MARGINS) -> dict[str, np.ndarray]:
    """The clip's {"vocals", "accompaniment"} by `method`, each (samples,) at the model's rate."""
    import librosa

    from preprocess import load_mir1k_clip

    mixture, accompaniment, vocals = load_mir1k_clip(path, mixing=mixing, sample_rate=config.sample_rate)

    def stft(waveform: np.ndarray) -> np.ndarray:
        return librosa.stft(waveform, n_fft=config.n_fft, hop_length=config.hop_length)

    spectrum = stft(mixture)
    if method == "repet-sim":
        frame_rate = config.sample_rate / config.hop_length
        masks = [mask.T for mask in repet_sim_masks(np.abs(spectrum).T, frame_rate, margins)]
    else:
        masks = ratio_masks(stft(accompaniment), stft(vocals))
    return {source: librosa.istft(mask * spectrum, hop_length=config.hop_length, length=len(mixture))
            for source, mask in zip(SOURCES, masks)}


def main(argv: list[str] | None = None) -> int:
    import progressbar
    import soundfile as sf

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=METHODS, required=True)
    parser.add_argument("--list", type=Path, required=True, help="clip list (its split.json gives the mixing)")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--mixing", choices=MIXING_RULES, help="default: the split's (split.json beside the list)")
    parser.add_argument("--margins", type=float, nargs=2, default=REPET_MARGINS, metavar=("ACCOMPANIMENT", "VOCALS"),
                        help="REPET-SIM's soft-mask margins (default: librosa's example's, 2 10; 1 1: masks that "
                             "add up to one)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        mixing = args.mixing or split_mixing(args.list)
        if mixing is None:
            raise SvsError(f"no split.json beside {args.list} to take the mixing rule from: give --mixing")
        config = Config()
        files = read_list(args.list)
        for path in progressbar.progressbar(files, prefix=f"{args.method} ") if not args.quiet else files:
            stems = separate_clip(path, args.method, mixing, config, tuple(args.margins))
            for source, audio in stems.items():  # named as main.py names them
                with replaced_when_written(args.output_dir / f"{path.stem}_{STEM_LABELS['seed'][source]}.wav") as tmp:
                    sf.write(tmp, audio, config.sample_rate, subtype="FLOAT")
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(files)} clips' stems by {args.method}, mixing {mixing}, to {args.output_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""repetition.repet_sim_masks against librosa's REPET-SIM example: the same masks, and how much faster.

python benchmarks/repet_sim.py --list data/dev-amy/valid.txt --list data/dev-abjones/valid.txt \
    --json statistics/repet_sim.json

For every clip (mixed by its split's rule, the model's STFT), the vocals and accompaniment masks
of librosa's example (`librosa.decompose.nn_filter` with a cosine median and a 2-s width, then
`librosa.util.softmask` with margins 2 and 10) and of `repetition.repet_sim_masks`: how many clips
give identical masks, the largest difference, and the seconds each took in all (one process,
the clips in turn, after one warm-up clip each).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def librosa_masks(magnitude: np.ndarray, frame_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(vocals, accompaniment) masks of (bins, frames) magnitudes, as librosa's example computes them."""
    import librosa

    frames = magnitude.shape[1]
    width = min(int(2.0 * frame_rate), (frames - 1) // 2 - 1)
    repeating = np.minimum(magnitude, librosa.decompose.nn_filter(magnitude, aggregate=np.median, metric="cosine",
                                                                  width=width))
    vocals = librosa.util.softmask(magnitude - repeating, 10 * repeating, power=2)
    accompaniment = librosa.util.softmask(repeating, 2 * (magnitude - repeating), power=2)
    return vocals, accompaniment


def main(argv: list[str] | None = None) -> int:
    import librosa

    from config import Config
    from preprocess import load_mir1k_clip
    from repetition import repet_sim_masks
    from utils import read_list, split_mixing

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=Path, action="append", required=True, help="clip list (with its split.json)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    config = Config()
    frame_rate = config.sample_rate / config.hop_length
    magnitudes = []
    for list_path in args.list:
        mixing = split_mixing(list_path) or "0db"
        for clip in read_list(list_path):
            mixture, _, _ = load_mir1k_clip(clip, mixing=mixing, sample_rate=config.sample_rate)
            magnitudes.append(np.abs(librosa.stft(mixture, n_fft=config.n_fft, hop_length=config.hop_length)))
    librosa_masks(magnitudes[0], frame_rate), repet_sim_masks(magnitudes[0].T, frame_rate)  # imports, caches
    seconds = {"librosa": 0.0, "repetition": 0.0}
    identical, largest = 0, 0.0
    for magnitude in magnitudes:
        started = time.perf_counter()
        expected = librosa_masks(magnitude, frame_rate)
        seconds["librosa"] += time.perf_counter() - started
        started = time.perf_counter()
        got = repet_sim_masks(np.ascontiguousarray(magnitude.T), frame_rate)
        seconds["repetition"] += time.perf_counter() - started
        difference = max(float(np.abs(want - mask.T).max()) for want, mask in zip(expected, got))
        identical += difference == 0
        largest = max(largest, difference)
    results = {"clips": len(magnitudes), "identical_masks": identical, "largest_difference": largest,
               "librosa_seconds": round(seconds["librosa"], 2), "repetition_seconds": round(seconds["repetition"], 2),
               "speed_up": round(seconds["librosa"] / seconds["repetition"], 1), "librosa": librosa.__version__}
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

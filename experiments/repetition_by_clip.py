r"""Would the prior's weight, chosen clip by clip by how much the clip repeats, beat one weight?

    python experiments/repetition_by_clip.py

REPET-SIM's assumption is that the accompaniment repeats, so a clip that repeats more might want
more of its mask. For every dev clip (the 0 dB mixture), this measures how much it repeats: each
frame's mean cosine similarity (log magnitudes) to its ten most similar frames at least
`repetition.PRIOR_SECONDS` away, that share of it in a clip shorter than a chunk (as the prior's
distance is scaled), averaged over the frames. With the per-clip scores of set (i), the six pairs
of the experiment log's "REPET-SIM's settings again, with guided neighbours", at the prior's
weights 0.25, 0.35 and 0.5 (guided, margin 5; `statistics/repetition/`), it prints for each
direction the correlation between a clip's repetition and its vocals NSDR gain from weight 0.5
over 0.25 (the mean over the three pairs), how often each weight is a clip's best with a pair, and the rule "0.25 below t1, 0.35 up to t2, 0.5 above"
with the thresholds best on one direction's clips (from the 5 %-quantiles of both directions'
repetition), scored on the same clips and on the other direction's, against 0.35 for every clip.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ablation_table import ROOT, clip_vocals_nsdr  # noqa: E402  (it puts the repository on the path)
import repetition  # noqa: E402
from preprocess import load_mir1k_clip, stft  # noqa: E402
from separator import CHUNK_FRAMES  # noqa: E402

WEIGHTS = ("0.25", "0.35", "0.5")
RUN = "{pair}-x2-input-12-views2-wiener1.5-prior{weight}-apart1scaled-guided-margin5"
DIRECTIONS = {  # name: (the clips scored, the pairs of set (i) that scored them)
    "abjones -> amy": ("data/dev-abjones/valid.txt",
                       [f"abjones-context-pitch8-15k-seeds{p}" for p in ("12", "13", "23")]),
    "amy -> abjones": ("data/dev-amy/valid.txt", [f"context-pitch8-10k-seeds{p}" for p in ("12", "13", "23")]),
}


def repetition_of(path: Path, sample_rate: int = 16000, hop_length: int = 256, neighbours: int = 10) -> float:
    """How much a clip's 0 dB mixture repeats (the module's docstring)."""
    mixture, _, _ = load_mir1k_clip(path, mixing="0db", sample_rate=sample_rate)
    frames = np.log1p(np.abs(stft(mixture, hop_length=hop_length)))  # (frames, bins)
    frames /= np.linalg.norm(frames, axis=1, keepdims=True) + 1e-9
    similarity = frames @ frames.T
    count = len(frames)
    apart = repetition.PRIOR_SECONDS * sample_rate / hop_length * min(1.0, count / CHUNK_FRAMES)
    index = np.arange(count)
    similarity[np.abs(index[:, None] - index[None, :]) < max(1, round(apart))] = -np.inf
    return float(np.sort(similarity, axis=1)[:, -neighbours:].mean())


def rule_gnsdr(scores: dict, repeats: dict[str, float], low: float, high: float) -> float:
    """Mean over the pairs of the length-weighted vocals NSDR with each clip's weight by the rule."""
    means = []
    for by_weight in scores.values():
        seconds = sum(s for s, _ in by_weight["0.35"].values())
        total = 0.0
        for clip, (s, _) in by_weight["0.35"].items():
            weight = "0.25" if repeats[clip] < low else "0.35" if repeats[clip] < high else "0.5"
            total += s * by_weight[weight][clip][1]
        means.append(total / seconds)
    return float(np.mean(means))


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    repeats, scores = {}, {}
    for direction, (listing, pairs) in DIRECTIONS.items():
        files = [(ROOT / listing).parent / line.strip() for line in (ROOT / listing).read_text().splitlines()
                 if line.strip()]
        repeats[direction] = {f.name: repetition_of(f) for f in files}
        scores[direction] = {pair: {w: clip_vocals_nsdr(ROOT / "statistics" / "repetition" /
                                                        f"{RUN.format(pair=pair, weight=w)}_clips.csv")
                                    for w in WEIGHTS} for pair in pairs}
        clips = sorted(repeats[direction])
        by_pair = scores[direction].values()
        gain = [np.mean([by["0.5"][c][1] - by["0.25"][c][1] for by in by_pair]) for c in clips]
        r = np.corrcoef([repeats[direction][c] for c in clips], gain)[0, 1]
        best = [max(WEIGHTS, key=lambda w: by[w][c][1]) for by in by_pair for c in clips]
        print(f"{direction}: {len(clips)} clips, repetition {np.mean(list(repeats[direction].values())):.3f} "
              f"(sd {np.std(list(repeats[direction].values())):.3f}); correlation with the gain of 0.5 over 0.25: "
              f"{r:.3f}; the best weight of a clip with a pair: " + ", ".join(f"{w} {best.count(w)}" for w in WEIGHTS))
    every = np.concatenate([list(r.values()) for r in repeats.values()])
    thresholds = np.quantile(every, np.linspace(0, 1, 21))
    for fitted, other in itertools.permutations(DIRECTIONS):
        def change(direction, low, high):
            return (rule_gnsdr(scores[direction], repeats[direction], low, high)
                    - rule_gnsdr(scores[direction], repeats[direction], -np.inf, np.inf))
        low, high = max(((a, b) for a, b in itertools.product(thresholds, thresholds) if a <= b),
                        key=lambda t: change(fitted, *t))
        print(f"thresholds best on {fitted} ({low:.3f}, {high:.3f}): vocals GNSDR change against 0.35 "
              f"{change(fitted, low, high):+.3f} dB there, {change(other, low, high):+.3f} dB on {other}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

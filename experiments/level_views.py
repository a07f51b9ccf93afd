r"""Do level views help, as pitch views do? evaluate.py with the network also hearing each clip louder and quieter.

    python experiments/level_views.py --level-views -6 6 --list data/dev-abjones/valid.txt \
        --model-dir runs/dev-NAME --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 \
        --output-dir statistics/level --name NAME-input-12-views2-wiener1.5-level6 [other evaluate.py flags]

Each level view is the clip's magnitude spectrogram scaled by G dB before the network hears it
(on top of the model's own input gain), so its log features move as a louder or quieter song's
would; the networks trained on inputs from -30 to +6 dB and score differently at different
levels ("The level the network hears" in the experiment log). The vocals mask is the mean over
the clip as it is and every level view, each with the separator's own pitch views (their masks
averaged before any post-filter), and `--mask-power` post-filters that mean once.
`--level-views` with no value is evaluate.py's own mask. Whole clips at the model's rate, mono
only (MIR-1K's dev clips); main.py has no such option.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with_views  # noqa: E402  (it puts the repository on the path)


class LevelViews(WholeClips):
    """A separator whose vocals mask is the mean over level views of the clip (whole clips, mono)."""

    def __init__(self, inner, gains_db, mask_power: float):
        super().__init__(inner, mask_power)
        self.gains_db = sorted({0.0, *map(float, gains_db)})

    def vocals_mask(self, magnitude: np.ndarray) -> np.ndarray:
        masks = [self.inner.vocals_mask(magnitude * np.float32(10 ** (gain / 20)))[0] for gain in self.gains_db]
        return self.mean_of_views(masks)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with_views(argv, "--level-views", LevelViews)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

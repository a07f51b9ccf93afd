r"""Does smoothing the vocals mask help? evaluate.py with a median filter over the mask before the post-filter.

    python experiments/mask_median.py --median 3 1 --list data/dev-abjones/valid.txt \
        --model-dir runs/dev-NAME --pitch-views -2 2 --mask-power 1.5 --output-dir statistics/median \
        --name NAME-views2-wiener1.5-median31 [other evaluate.py flags]

`--median T F` replaces each cell of the vocals mask (the mean of the separator's pitch views)
by the median of the T frames x F bins around it (odd sizes; edges repeat the nearest cell), and
then `--mask-power` post-filters it. Soft masks that flicker from frame to frame leave the
"musical noise" that counts against GSAR; a median keeps steps (a note's onset) where a mean
would blur them. `--median 1 1` is evaluate.py's own mask. Whole clips at the model's rate, mono
only (MIR-1K's dev clips); main.py streams and has no such option.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with_views  # noqa: E402  (it puts the repository on the path)
import separator  # noqa: E402
from utils import SvsError  # noqa: E402


class MaskMedian(WholeClips):
    """A separator whose vocals mask is median-filtered over T frames x F bins (whole clips, mono)."""

    def __init__(self, inner, sizes, mask_power: float):
        super().__init__(inner, mask_power)
        sizes = tuple(int(size) for size in sizes)
        if len(sizes) != 2 or any(size < 1 or size % 2 == 0 for size in sizes):
            raise SvsError(f"--median takes two odd sizes, frames and bins (got {' '.join(map(str, sizes))})")
        self.sizes = sizes

    def vocals_mask(self, magnitude: np.ndarray) -> np.ndarray:
        from scipy.ndimage import median_filter

        mask, _ = self.inner.vocals_mask(magnitude)  # (frames, bins), the pitch views' mean
        if self.sizes != (1, 1):
            mask = median_filter(mask, size=self.sizes, mode="nearest")
        return separator.post_filter(np.asarray(mask, np.float32), self.mask_power)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with_views(argv, "--median", MaskMedian)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

r"""Does a repetition cue help the network? evaluate.py with the vocals mask mixed with REPET-SIM's.

    python experiments/repetition_prior.py --repet-weight 0.25 --list data/dev-abjones/valid.txt \
        --model-dir runs/dev-NAME --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 \
        --output-dir statistics/repetition --name NAME-input-12-views2-wiener1.5-repet0.25 [other evaluate.py flags]

The vocals mask is (1 - W) times the network's (the mean of its pitch views, before any
post-filter) plus W times the vocals mask of REPET-SIM on the same clip
(`repetition.repet_sim_masks`: what repeats in the song is accompaniment, a cue the
network, which hears a song once from the start, cannot use); `--mask-power` then post-filters
the mixed mask. `--repet-weight W M` sets REPET-SIM's vocals margin to M (default 10, librosa's
example's; with 1 the vocals mask is the one of margins 1 1, whose two masks add up to one).
`--repet-weight W [M] guided` compares frames by the network's accompaniment, its magnitudes
times one minus its vocals mask, instead of by the mixture's, to pick each frame's neighbours
(REPET-SIM still takes the median of the mixture's frames): the voice on top no longer decides
which frames sound alike. `--repet-weight max [M] [guided]` takes the larger of the two masks
instead of mixing them: REPET-SIM can only take more out of the accompaniment, where it is
sure enough of the voice to beat the network (what the accompaniment stem is cut by, here).
REPET-SIM alone scores 2.69 / 5.27 dB vocals on the abjones / amy dev clips, with a higher GSIR
than the networks from abjones ("Reference points" in the experiment log).
`--repet-weight 0` is evaluate.py's own mask. Whole clips at the model's rate, mono only
(MIR-1K's dev clips). Both stems are cut with the mixed mask here; main.py's and evaluate.py's
own `--repet-weight` cut only the vocals with it (repetition.RepetitionPrior).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import WholeClips, evaluate_with_views  # noqa: E402  (it puts the repository on the path)
from repetition import REPET_MARGINS, repet_sim_masks  # noqa: E402
import separator  # noqa: E402
from utils import SvsError  # noqa: E402


class BothStemsPrior(WholeClips):
    """A separator whose vocals mask is mixed with REPET-SIM's, both stems cut with it (whole clips, mono)."""

    def __init__(self, inner, values, mask_power: float):
        super().__init__(inner, mask_power)
        values = list(values)
        self.guided = bool(values) and values[-1] == "guided"
        if self.guided:
            values.pop()
        self.maximum = bool(values) and values[0] == "max"
        try:
            weight, *margin = (1.0, *map(float, values[1:])) if self.maximum else map(float, values)
        except ValueError:
            weight, margin = float("nan"), []
        if not 0 <= weight <= 1 or len(margin) > 1 or min(margin, default=1) <= 0:
            raise SvsError("--repet-weight takes one weight from 0 to 1 or the word max, optionally a vocals margin "
                           f"above 0, and optionally the word guided (got {' '.join(map(str, values))})")
        self.weight = weight  # as given; float32 where used
        self.margins = (REPET_MARGINS[0], margin[0] if margin else REPET_MARGINS[1])

    def vocals_mask(self, magnitude: np.ndarray) -> np.ndarray:
        mask, _ = self.inner.vocals_mask(magnitude)  # (frames, bins), the pitch views' mean
        if self.weight:
            similar = (1 - mask) * magnitude if self.guided else None
            repet, _ = repet_sim_masks(magnitude, self.config.sample_rate / self.config.hop_length, self.margins,
                                       similar=similar)
            weight = np.float32(self.weight)
            mask = np.maximum(mask, repet) if self.maximum else (1 - weight) * mask + weight * repet
        return separator.post_filter(np.asarray(mask, np.float32), self.mask_power)


def main(argv: list[str] | None = None) -> int:
    return evaluate_with_views(argv, "--repet-weight", BothStemsPrior)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

r"""Does REPET-SIM do better on shorter stretches? evaluate.py with the repetition prior's pieces set.

    python experiments/repetition_pieces.py --piece-seconds 8.192 --repet-weight 0.25 \
        --list data/dev-abjones/valid.txt --model-dir runs/dev-NAME --model-dir runs/dev-OTHER \
        --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 --output-dir statistics/repetition \
        --name NAME-x2-input-12-views2-wiener1.5-prior0.25-piece512 [other evaluate.py flags]

main.py's repetition prior (`repetition.RepetitionPrior`) runs REPET-SIM on each 1,024-frame chunk
(16 s) of a song, and on a MIR-1K clip (12 s at most) as a whole. `--piece-seconds S` cuts each
chunk into the fewest pieces of equal length no longer than S seconds (rounded to frames; 8.192
s is 512 frames) and runs REPET-SIM on each piece alone (`piece_frames`): a clip longer than S
is then compared in halves or thirds. The chunks, the networks and everything else are
evaluate.py's own. Needs a separator with the prior (`--repet-weight` above 0, or a model whose
`repet_weight` is).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import evaluate_with  # noqa: E402  (it puts the repository on the path)
from repetition import RepetitionPrior  # noqa: E402
from repetition_context import prior_and_frames  # noqa: E402
from utils import SvsError  # noqa: E402


def with_pieces(values, load, *args, **kwargs) -> RepetitionPrior:
    """The separator evaluate.py would load, its prior comparing pieces of at most `values`' seconds."""
    separator, frames = prior_and_frames("--piece-seconds", values, load, *args, **kwargs)
    if frames < 1:
        raise SvsError("--piece-seconds must come to at least one frame")
    separator.piece_frames = frames
    return separator


def main(argv: list[str] | None = None) -> int:
    return evaluate_with(argv, "--piece-seconds", with_pieces)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

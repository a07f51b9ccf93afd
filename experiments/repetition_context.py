r"""Does REPET-SIM gain from hearing more of a song? evaluate.py with the repetition prior's context set.

    python experiments/repetition_context.py --context-seconds 64 --repet-weight 0.25 \
        --list data/songs-dev-abjones/valid.txt --model-dir runs/dev-NAME --model-dir runs/dev-OTHER \
        --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 --output-dir statistics/songs \
        --name NAME-x2-input-12-views2-wiener1.5-prior0.25-context64 [other evaluate.py flags]

main.py's repetition prior (`repetition.RepetitionPrior`) compares each 1,024-frame chunk (16 s)
with itself and the CONTEXT_FRAMES before it: 1,024 (16 s) when this was written, so a chorus was
compared only with what came at most 32 s earlier, and none since the experiment log's "More of
the song for REPET-SIM". `--context-seconds S` keeps S seconds before each chunk instead (rounded
to frames); the chunks, the networks and everything else are evaluate.py's own. It matters on
songs longer than a chunk (`experiments/whole_songs.py`): every MIR-1K clip is one chunk and has
no context. Needs a separator with the prior (`--repet-weight` above 0, or a model whose
`repet_weight` is).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import evaluate_with  # noqa: E402  (it puts the repository on the path)
from repetition import RepetitionPrior  # noqa: E402
from utils import SvsError  # noqa: E402


def prior_and_frames(option: str, values, load, *args, **kwargs) -> tuple[RepetitionPrior, int]:
    """The separator evaluate.py would load, which must have the repetition prior, and `values`'
    one number of seconds (0 or more), given after `option`, in its frames."""
    try:
        (seconds,) = map(float, values)
    except ValueError:
        seconds = float("nan")
    if not seconds >= 0:
        raise SvsError(f"{option} takes one number of seconds, 0 or more (got {' '.join(values)})")
    separator = load(*args, **kwargs)
    if not isinstance(separator, RepetitionPrior):
        raise SvsError(f"{option} needs the repetition prior: --repet-weight above 0")
    return separator, int(round(seconds * separator.frame_rate))


def with_context(values, load, *args, **kwargs) -> RepetitionPrior:
    """The separator evaluate.py would load, its prior keeping `values`' one number of seconds before each chunk."""
    separator, separator.context_frames = prior_and_frames("--context-seconds", values, load, *args, **kwargs)
    return separator


def main(argv: list[str] | None = None) -> int:
    return evaluate_with(argv, "--context-seconds", with_context)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

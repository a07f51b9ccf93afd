r"""What REPET-SIM compares: evaluate.py with the repetition prior's neighbour distance or fill set.

    python experiments/repetition_window.py --repet-seconds 1 --repet-weight 0.25 \
        --list data/dev-abjones/valid.txt --model-dir runs/dev-NAME --model-dir runs/dev-OTHER \
        --input-gain-db -12 --pitch-views -2 2 --mask-power 1.5 --output-dir statistics/repetition \
        --name NAME-x2-input-12-views2-wiener1.5-prior0.25-apart1 [other evaluate.py flags]
    python experiments/repetition_window.py --fill-seconds 16.384 --repet-weight 0.25 \
        --list data/songs-dev-abjones/valid.txt ... --output-dir statistics/songs --name ...-fill1024

main.py's repetition prior (`repetition.RepetitionPrior`) takes, for each frame, the median of its
most similar frames, within each 1,024-frame chunk (16 s) of a song, or within a MIR-1K clip (12 s
at most) as a whole. `--repet-seconds S` alone runs it as librosa's example does, with its
neighbours at least S seconds apart (`repet_seconds`) everywhere, the frames compared by the mixture
and a vocals margin of 10: closer neighbours leave more frames to choose from in a short clip, but
may hold the same sung note. `--repet-seconds S scaled` keeps S seconds for a whole chunk and gives
a shorter piece, such as a clip or a song's last chunk, its share of S (`scale_distance` "pieces"):
1 s for a clip of half a chunk (8.2 s); `scaled-input` does so only for an input shorter than one
chunk, such as a clip ("input"). A word `guided` after these also picks REPET-SIM's neighbours by
the networks' accompaniment (`RepetitionPrior`'s `guided`, as `experiments/repetition_prior.py
--repet-weight 0.25 guided` does). Last, in any order: `margin M` sets REPET-SIM's vocals margin
(`vocals_margin`; 10, the example's, unless given, so that the logged commands run as they did),
`neighbours F` scales how many neighbours its median is of (1 by default: twice the square root of
the frames that can be neighbours, as in librosa's example; `neighbours`), and `power P` raises what
the frames are compared by to P (1 by default; `compare_power`), and `uncertain K` scales the
weight in each bin by 1 - |2m - 1|^K, m the networks' vocals mask there: the whole weight where
they are unsure, none where they are sure (0, off, by default; `uncertainty_power`), and
`accompaniment A` cuts the accompaniment too with A of REPET-SIM's accompaniment mask mixed into
the networks' (0, off, by default; `accompaniment_weight`).

main.py's prior over time: `--repet-seconds 2 --repet-weight 0.25` until the experiment log's
"Guided neighbours and the clip distance together", then `--repet-seconds 2 scaled-input guided` and
`--repet-seconds 1 scaled-input guided` (weight 0.25), and since "REPET-SIM's settings again, with
guided neighbours" `--repet-seconds 1 scaled-input guided margin 5 --repet-weight 0.35`.

`--fill-seconds S` compares a piece shorter than S seconds (rounded to frames; 16.384 s is one
chunk), which on a song is its last chunk, with the frames before it too, as many as make S seconds
in all (`fill_frames`): a song's last chunk can be a second or two long, too little for REPET-SIM to
find what repeats. Clips are not changed by it (each is the whole of what is heard). The chunks, the
networks and everything else are evaluate.py's own. Needs a separator with the prior
(`--repet-weight` above 0, or a model whose `repet_weight` is).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_clips import evaluate_with  # noqa: E402  (it puts the repository on the path)
from repetition import REPET_MARGINS, RepetitionPrior  # noqa: E402
from repetition_context import prior_and_frames  # noqa: E402
from utils import SvsError  # noqa: E402


# the words that take a number, after the others, and the RepetitionPrior numbers they set
WORDS = {"margin": "vocals_margin", "neighbours": "neighbours", "power": "compare_power",
         "uncertain": "uncertainty_power", "accompaniment": "accompaniment_weight"}


def with_distance(values, load, *args, **kwargs) -> RepetitionPrior:
    """The separator evaluate.py would load, its REPET-SIM's neighbours at least `values`' seconds
    apart, or with the word `scaled` (or `scaled-input`) after them, that share of the frames
    compared that those seconds are of a whole chunk (for an input shorter than one chunk only);
    a word `guided` after that: neighbours picked by the networks' accompaniment; last, `margin M`,
    `neighbours F`, `power P`, `uncertain K` and `accompaniment A`, in any order: REPET-SIM's vocals
    margin, its neighbours scaled by F, what its frames are compared by raised to P, the weight
    scaled in each bin by 1 - |2m - 1|^K (m the networks' vocals mask), and the weight of
    REPET-SIM's accompaniment mask in the accompaniment's."""
    values, extra = list(values), {}
    while len(values) > 2 and values[-2] in WORDS and values[-2] not in extra:
        try:
            extra[values[-2]] = float(values[-1])
        except ValueError:
            raise SvsError(f"--repet-seconds: {values[-2]} takes a number, got {values[-1]!r}") from None
        del values[-2:]
    guided = bool(values) and values[-1] == "guided"
    if guided:
        values.pop()
    scaled = {"scaled": "pieces", "scaled-input": "input"}.get(values[-1] if values else "", "")
    separator, frames = prior_and_frames("--repet-seconds", values[:-1] if scaled else values, load, *args, **kwargs)
    if frames < 1:
        raise SvsError("--repet-seconds must come to at least one frame")
    separator.repet_seconds, separator.scale_distance, separator.guided = float(values[0]), scaled, guided
    extra.setdefault("margin", REPET_MARGINS[1])  # the example's 10 unless given, so the logged commands run as they did
    try:
        separator.configure(**{WORDS[word]: value for word, value in extra.items()})
    except SvsError as error:
        raise SvsError(f"--repet-seconds: {error}") from None
    return separator


def with_fill(values, load, *args, **kwargs) -> RepetitionPrior:
    """The separator evaluate.py would load, its prior filling short pieces up to `values`' seconds."""
    separator, separator.fill_frames = prior_and_frames("--fill-seconds", values, load, *args, **kwargs)
    return separator


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--fill-seconds" in argv:
        return evaluate_with(argv, "--fill-seconds", with_fill)
    return evaluate_with(argv, "--repet-seconds", with_distance)


if __name__ == "__main__":  # evaluate.py scores in spawned processes, which import this file
    sys.exit(main())

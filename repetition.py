"""REPET-SIM (Rafii and Pardo, 2012) and the repetition prior main.py can add to a separator.

What repeats in a song (the same chords, the same beat) is accompaniment; what does not is
likely the voice. REPET-SIM takes, for every frame, the median magnitude of the frames most like
it (cosine similarity, none within 2 s), the repeating part, and builds soft masks from it. The
network hears a song once from the start and cannot use that cue, so `RepetitionPrior` mixes
REPET-SIM's vocals mask into the network's (the experiment log's "A repetition prior"). Its
REPET-SIM finds the frames most like each one by the network's accompaniment rather than by the
mixture, at least 1 s apart in a 16-s chunk of a song and that share of 1 s in an input shorter
than a chunk, a clip ("Guided neighbours and the clip distance together"), and its vocals mask
has a margin of 5, mixed in with the shipped model's weight of 0.35 ("REPET-SIM's settings
again, with guided neighbours").

`repet_sim_masks` computes what librosa's vocal-separation example computes with
`librosa.decompose.nn_filter(S, aggregate=np.median, metric="cosine", width=...)`, including which
neighbours librosa keeps (below; 0.11 and 1.0 alike), without its per-frame Python work: about
ten times faster on the dev clips, with the same masks (benchmarks/repet_sim.py).
"""
from __future__ import annotations

import numpy as np

from separator import _check_mask_power, _MaskSeparator, post_filter
from utils import SvsError

REPET_SECONDS = 2.0  # frames closer than this are not neighbours (librosa's example)
REPET_MARGINS = (2.0, 10.0)  # the example's soft-mask margins: accompaniment, vocals
CONTEXT_FRAMES = 0  # RepetitionPrior: frames before each chunk that REPET-SIM also compares with (none
# by default: on the dev songs 1,024 frames scored lower, 4,000 lower again; "More of the song for
# REPET-SIM" in the experiment log)
FILL_FRAMES = 0  # RepetitionPrior: a piece shorter than this is compared with the frames before it too
PRIOR_SECONDS = 1.0  # RepetitionPrior: how far apart REPET-SIM's neighbours are at least in a whole chunk
SCALE_DISTANCE = "input"  # RepetitionPrior: an input shorter than a chunk gets its share of PRIOR_SECONDS
GUIDED = True  # RepetitionPrior: neighbours found by the networks' accompaniment (the three: "Guided
# neighbours and the clip distance together" in the experiment log)
PRIOR_MARGIN = 5.0  # RepetitionPrior: REPET-SIM's vocals margin, with the shipped weight 0.35 (rule 5 of
# "REPET-SIM's settings again, with guided neighbours"; the example's is REPET_MARGINS' 10)
_BLOCK = 64  # frames whose medians are taken at once
# RepetitionPrior's numbers that RepetitionPrior.configure sets: what each is, its least value,
# whether that least value is allowed (0: off), and its largest
PRIOR_NUMBERS = {"vocals_margin": ("REPET-SIM's vocals margin", 0.0, False, np.inf),
                 "neighbours": ("REPET-SIM's neighbours scale", 0.0, False, np.inf),
                 "compare_power": ("REPET-SIM's compare power", 0.0, False, np.inf),
                 "uncertainty_power": ("the prior's uncertainty power", 0.0, True, np.inf),
                 "accompaniment_weight": ("the prior's accompaniment weight", 0.0, True, 1.0)}


class TooFewFrames(SvsError):
    """Too few frames for REPET-SIM to find neighbours the distance apart (RepetitionPrior then
    keeps the network's mask for them); any other error is a real one."""


def _neighbours(nearest: np.ndarray, first: int, width: int, keep: int) -> list[np.ndarray]:
    """The frames librosa's recurrence_matrix (mode "connectivity") links each frame to, from the
    (rows, count) indices of the nearest others of frames `first` onward: those at least `width`
    frames away, and of these the `keep` earliest (librosa orders the links by their values, all
    equal in that mode, and numpy's argsort leaves equal values in frame order)."""
    chosen = []
    for frame, candidates in enumerate(np.sort(nearest, axis=1), start=first):
        chosen.append(candidates[np.abs(candidates - frame) >= width][:keep])
    return chosen


def _nearest_others(magnitude: np.ndarray, count: int, first: int) -> np.ndarray:
    """The `count` nearest other frames (cosine distance) of each frame from `first` on, searched
    among all frames: (frames - first, count) indices. With `first` 0 this is librosa's search,
    scikit-learn's kneighbors of the fitted frames themselves; otherwise those frames are queried
    with one more neighbour and each one's own index taken out, as kneighbors does (the nearest
    instead where a tie at distance 0 put another frame first)."""
    from sklearn.neighbors import NearestNeighbors

    search = NearestNeighbors(n_neighbors=count, metric="cosine").fit(magnitude)
    if first == 0:
        return search.kneighbors(return_distance=False)
    found = search.kneighbors(magnitude[first:], n_neighbors=count + 1, return_distance=False)
    others = found != np.arange(first, len(magnitude))[:, None]
    others[others.all(axis=1), 0] = False
    return found[others].reshape(len(found), count)


def repeating_part(magnitude: np.ndarray, frame_rate: float, first: int = 0,
                   similar: np.ndarray | None = None, seconds: float = REPET_SECONDS,
                   neighbours: float = 1.0) -> np.ndarray:
    """(frames, bins) magnitudes -> for frames `first` onward (the earlier ones are only compared
    with), the median of each one's most similar frames at least `seconds` away (fewer seconds
    where a clip is too short), at most the frame itself. `similar`, magnitudes of the same
    shape, are what the frames are compared by instead (default: the magnitudes themselves).
    `neighbours` scales how many frames the median is of (librosa's example: 1, twice the square
    root of the frames that can be neighbours, rounded up; the count stays even)."""
    frames = len(magnitude)
    width = min(int(np.floor(seconds * frame_rate)), (frames - 1) // 2 - 1)  # librosa's limit on width
    if width < 1:
        raise TooFewFrames(f"{frames} frames are too few for REPET-SIM")
    if not neighbours > 0:
        raise SvsError(f"REPET-SIM's neighbours are scaled by a number above 0, got {neighbours}")
    keep = int(2 * np.ceil(neighbours * np.sqrt(frames - 2 * width + 1)))
    count = min(frames - 1, keep + 2 * width)
    magnitude = np.asarray(magnitude, np.float32)
    if similar is None:
        similar = magnitude
    elif np.shape(similar) != magnitude.shape:
        raise SvsError(f"REPET-SIM compares frames by {np.shape(similar)} values for {magnitude.shape} magnitudes")
    chosen = _neighbours(_nearest_others(np.asarray(similar, np.float32), count, first), first, width, keep)
    filtered = np.empty_like(magnitude[first:])
    for start in range(0, len(chosen), _BLOCK):
        rows = range(start, min(start + _BLOCK, len(chosen)))
        block = chosen[rows.start:rows.stop]
        if all(len(c) == keep for c in block):  # the usual case: the block's medians at once
            # np.median's result (keep is even: the mean of the two middle values), by a full sort,
            # which numpy vectorises and is about four times faster here than its partition
            ordered = np.sort(magnitude[np.stack(block)].transpose(0, 2, 1), axis=-1)  # (rows, bins, keep)
            middle = keep // 2
            filtered[rows.start:rows.stop] = (ordered[..., middle - 1] + ordered[..., middle]) / np.float32(2)
        else:
            for row, c in zip(rows, block):
                filtered[row] = np.median(magnitude[c], axis=0) if len(c) else magnitude[first + row]
    return np.minimum(magnitude[first:], filtered)


def repet_sim_masks(magnitude: np.ndarray, frame_rate: float, margins: tuple[float, float] = REPET_MARGINS,
                    first: int = 0, similar: np.ndarray | None = None,
                    seconds: float = REPET_SECONDS, neighbours: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(vocals mask, accompaniment mask) of (frames, bins) magnitudes by REPET-SIM, soft masks of
    power 2 with `margins` (accompaniment, vocals); margins 1 and 1 give masks that add up to one.
    With `first`, the masks of frames `first` onward, the earlier frames only compared with;
    `similar`: what the frames are compared by, `seconds`: how far apart neighbours are at least,
    `neighbours`: how many there are, scaled (repeating_part)."""
    magnitude = np.asarray(magnitude, np.float32)
    repeating = repeating_part(magnitude, frame_rate, first, similar, seconds, neighbours)
    magnitude = magnitude[first:]
    accompaniment_margin, vocals_margin = margins
    vocals = _softmask(magnitude - repeating, vocals_margin * repeating)
    accompaniment = _softmask(repeating, accompaniment_margin * (magnitude - repeating))
    return vocals, accompaniment


def _softmask(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """librosa.util.softmask(x, reference, power=2), the same arithmetic, without importing librosa
    (its numba start-up costs seconds): (x / z)^2 / ((x / z)^2 + (reference / z)^2) with z the
    larger of the two, 0 where both are 0."""
    larger = np.maximum(x, reference)
    silent = larger < np.finfo(larger.dtype).tiny
    larger[silent] = 1
    mask, other = (x / larger) ** 2, (reference / larger) ** 2
    return np.divide(mask, mask + other, out=np.zeros_like(mask), where=~silent)


class RepetitionPrior(_MaskSeparator):
    """A separator that cuts the vocals with (1 - weight) times `inner`'s vocals mask plus weight
    times REPET-SIM's, post-filtered with `mask_power`, and the accompaniment with `inner`'s own
    mask, post-filtered alike: the vocals gain the repetition cue while the karaoke track stays
    as it was, and the two stems no longer add up to the input exactly.

    `inner` gives its mask before any post-filter (load_separator builds it so). REPET-SIM
    compares the frames of each chunk of `chunk_frames` with the chunk and the `context_frames`
    before it (none by default), so a song costs time in proportion to its length; a clip of up
    to chunk_frames frames (16 s at the defaults, every MIR-1K clip) is compared as a whole, as
    the experiment log scored it. With `fill_frames`, a piece shorter than that (a song's last
    chunk) is also compared with the frames before it, as many as make fill_frames in all (off,
    0, by default). `repet_seconds`: how far apart REPET-SIM's neighbours are at least; with
    `scale_distance` "pieces", that is for a whole chunk and every shorter piece gets its share of
    it; with "input", only an input shorter than one chunk (a clip, compared whole) does. With
    `guided`, REPET-SIM compares frames by `inner`'s accompaniment (the magnitudes times one minus
    its vocals mask) to pick the neighbours (repeating_part's `similar`), and still takes the
    median of the magnitudes. The defaults, 1 s, "input" and guided, are the experiment log's
    "Guided neighbours and the clip distance together". `vocals_margin` is REPET-SIM's vocals
    margin (5 by default, where the example has 10: with the shipped weight 0.35, the experiment
    log's "REPET-SIM's settings again, with guided neighbours") and `neighbours` scales how many
    neighbours its median is of (repet_sim_masks; 1, the example's, by default); what the frames
    are compared by is raised to `compare_power` (1, magnitudes, by default; 0.5 weighs quiet
    bins more in the cosine distance). With `uncertainty_power` k above 0, the weight in each bin is
    scaled by 1 - |2m - 1|^k, m `inner`'s vocals mask there: all of it where the networks are unsure
    (m = 0.5), none where they are sure (m = 0 or 1); 0, the weight everywhere, by default. With
    `accompaniment_weight` A above 0, the accompaniment is cut by (1 - A) times `inner`'s
    accompaniment mask plus A times REPET-SIM's own (margin 2, the example's), post-filtered alike;
    0, `inner`'s alone, by default.
    A model with lookahead is refused: its steps are not the frames REPET-SIM sees."""

    stem_mask_count = 2

    def __init__(self, inner: _MaskSeparator, weight: float, mask_power: float = 1.0,
                 context_frames: int = CONTEXT_FRAMES, piece_frames: int | None = None,
                 fill_frames: int = FILL_FRAMES, repet_seconds: float = PRIOR_SECONDS,
                 scale_distance: str = SCALE_DISTANCE, guided: bool = GUIDED,
                 vocals_margin: float = PRIOR_MARGIN, neighbours: float = 1.0, compare_power: float = 1.0,
                 uncertainty_power: float = 0.0, accompaniment_weight: float = 0.0):
        if not 0 < weight <= 1:
            raise SvsError(f"the repetition prior's weight is above 0 and at most 1, got {weight}")
        if inner.config.lookahead:
            raise SvsError("the repetition prior needs a model without lookahead: its steps are not the frames "
                           "REPET-SIM compares")
        _check_mask_power(mask_power)
        self.inner, self.weight, self.mask_power = inner, float(weight), mask_power  # as given; float32 where used
        self.config, self.chunk_frames, self.backend = inner.config, inner.chunk_frames, inner.backend
        self.input_gain_db, self.semitones = inner.input_gain_db, getattr(inner, "semitones", [])
        self.context_frames = max(0, context_frames)
        self.piece_frames = piece_frames  # None: each chunk whole
        self.fill_frames, self.repet_seconds = max(0, fill_frames), repet_seconds
        if scale_distance not in ("", "pieces", "input"):
            raise SvsError(f"scale_distance is '', 'pieces' or 'input', got {scale_distance!r}")
        self.scale_distance, self.guided = scale_distance, guided
        self.configure(vocals_margin=vocals_margin, neighbours=neighbours, compare_power=compare_power,
                       uncertainty_power=uncertainty_power, accompaniment_weight=accompaniment_weight)
        self.frame_rate = self.config.sample_rate / self.config.hop_length
        import sklearn.neighbors  # noqa: F401  (its BLAS and OpenMP pools loaded now, so a caller can size them)

    def stem_masks(self, magnitude: np.ndarray, states: tuple | None = None) -> tuple[np.ndarray, tuple]:
        """(frames, bins) 16 kHz magnitudes -> the (2, frames, bins) masks of the vocals and of the
        accompaniment's complement, and the states: `inner`'s, and the frames REPET-SIM keeps (their
        magnitudes, and what they are compared by)."""
        # an input shorter than a chunk, all of it: the stream hands over whole chunks, and a shorter
        # piece only at the end, so a first piece shorter than a chunk is the whole input
        whole = states is None and len(magnitude) < self.chunk_frames
        inner_states, context, context_similar = states if states is not None else (None, magnitude[:0], magnitude[:0])
        mask, inner_states = self.inner.vocals_mask(magnitude, inner_states)
        similar = (1 - mask) * magnitude if self.guided else magnitude  # what the frames are compared by
        if self.compare_power != 1:
            similar = similar ** np.float32(self.compare_power)
        repet = np.empty((2, *mask.shape), mask.dtype)  # REPET-SIM's vocals mask, its accompaniment mask's complement
        # chunk by chunk, as the stream hands them over (it may hand several at once), so that
        # what each frame is compared with does not depend on how the input arrived
        for start, stop in self._pieces(len(magnitude)):
            piece, piece_similar = magnitude[start:stop], similar[start:stop]
            before = min(len(context), max(self.context_frames, self.fill_frames - len(piece)))
            heard = np.concatenate([context[len(context) - before:], piece])
            heard_similar = np.concatenate([context_similar[len(context) - before:], piece_similar])
            try:
                seconds = self.repet_seconds
                if self.scale_distance == "pieces" or (self.scale_distance == "input" and whole):
                    seconds *= min(1.0, len(heard) / self.chunk_frames)
                vocals, accompaniment = repet_sim_masks(heard, self.frame_rate, (REPET_MARGINS[0], self.vocals_margin),
                                                        first=before, similar=heard_similar, seconds=seconds,
                                                        neighbours=self.neighbours)
                repet[0, start:stop], repet[1, start:stop] = vocals, 1 - accompaniment
            except TooFewFrames:  # the network's mask alone
                repet[:, start:stop] = mask[start:stop]
            kept = max(self.context_frames, self.fill_frames)
            context = np.concatenate([context, piece])[-kept:] if kept else piece[:0]
            context_similar = np.concatenate([context_similar, piece_similar])[-kept:] if kept else piece[:0]
        weight = np.float32(self.weight)  # so the masks' arithmetic stays float32
        if self.uncertainty_power:  # all of the weight where the networks are unsure, none where sure
            weight = weight * (1 - np.abs(2 * mask - 1) ** np.float32(self.uncertainty_power))
        vocals = post_filter((1 - weight) * mask + weight * repet[0], self.mask_power)
        complement = mask  # of the accompaniment's mask: the vocals mask it is cut by
        if self.accompaniment_weight:
            share = np.float32(self.accompaniment_weight)
            complement = (1 - share) * mask + share * repet[1]
        masks = np.stack([vocals, post_filter(complement, self.mask_power)])
        return masks, (inner_states, context, context_similar)

    def configure(self, **numbers: float) -> None:
        """Set the numbers of PRIOR_NUMBERS (the arguments of these names), each checked: a value
        out of its range would raise nothing later, or only deep in REPET-SIM."""
        for name, value in numbers.items():
            if name not in PRIOR_NUMBERS:
                raise SvsError(f"the repetition prior has no number {name!r}")
            what, least, off, most = PRIOR_NUMBERS[name]
            if not ((value >= least if off else value > least) and value <= most):
                span = f"from {least:g} (off)" if off else f"above {least:g}"
                raise SvsError(f"{what} is {span}{f' to {most:g}' if np.isfinite(most) else ''}, got {value}")
            setattr(self, name, float(value))

    @property
    def settings(self) -> dict:
        """What REPET-SIM compares, as evaluate.py keeps it with the scores."""
        return {"guided": self.guided, "scale_distance": self.scale_distance, "repet_seconds": self.repet_seconds,
                "context_frames": self.context_frames, "fill_frames": self.fill_frames,
                "piece_frames": self.piece_frames, "vocals_margin": self.vocals_margin,
                "neighbours": self.neighbours, "compare_power": self.compare_power,
                "uncertainty_power": self.uncertainty_power,
                "accompaniment_weight": self.accompaniment_weight}

    def _pieces(self, frames: int) -> list[tuple[int, int]]:
        """(start, stop) of what REPET-SIM compares at once among `frames` handed over: each chunk
        of chunk_frames, or with piece_frames, each chunk cut into the fewest pieces of equal
        length (to a frame) no longer than that."""
        pieces = []
        for start in range(0, frames, self.chunk_frames):
            length = min(self.chunk_frames, frames - start)
            count = -(-length // self.piece_frames) if self.piece_frames else 1
            for i in range(count):
                pieces.append((start + length * i // count, start + length * (i + 1) // count))
        return pieces

    def vocals_mask(self, magnitude: np.ndarray, states: tuple | None = None) -> tuple[np.ndarray, tuple]:
        """The vocals stem's mask (the first of stem_masks) and the states."""
        masks, states = self.stem_masks(magnitude, states)
        return masks[0], states

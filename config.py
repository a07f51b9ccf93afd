"""A model folder's files, hyperparameters and named training recipes (config.json).

No TensorFlow here: the separator reads a model's config without importing it."""
from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

from utils import SvsError, read_json

CONFIG_FILE = "config.json"
PITCH_FORMANTS = ("move", "keep", "both")  # what pitch-shifted vocal versions do with their formants
FEATURES = ("raw", "log")  # what the network hears: magnitudes, or log magnitudes standardised per bin
MIXING_RULES = ("sum", "0db")  # how a clip's two channels are mixed (0db: the vocals scaled to the accompaniment)
LR_SCHEDULES = ("constant", "cosine")
WEIGHTS_FILE = "model.weights.h5"
ONNX_FILE = "model.onnx"  # the same network for ONNX Runtime, written beside the weights


def check_formant_follow(value: float) -> None:
    """Config's and preprocess.BatchSampler's formant_follow is a share in [0, 1]."""
    if not 0 <= value <= 1:
        raise SvsError(f"formant_follow is the share of a pitch shift the formants follow, in [0, 1] "
                       f"(1: all of it, as resampling gives), got {value}")


@dataclass
class Config:
    """Every hyperparameter of a model and its training. Saved as config.json beside the weights.

    The defaults are the seed's recipe (Lei Mao 2018): raw magnitudes, 10-frame windows,
    batch 64, Adam 1e-4, 50k iterations, plain MSE, no augmentation.
    """
    sample_rate: int = 16000
    n_fft: int = 1024
    hop_length: int = 256
    num_layers: int = 3
    hidden_size: int = 256
    features: str = "raw"            # raw | log: log magnitudes standardised per bin
    mixing: str = "sum"              # sum | 0db, how training clips are mixed
    frames: int = 10                 # frames per training window
    batch_size: int = 64
    learning_rate: float = 1e-4
    lr_schedule: str = "constant"    # constant | cosine (decays to 1% over `iterations`)
    warmup: int = 0                  # with cosine: the learning rate rises from 0 over this many steps, then decays
    iterations: int = 50000
    discriminative_weight: float = 0.0  # gamma of Huang et al.'s discriminative term
    loss_power: float = 1.0          # magnitudes raised to this power in the loss (< 1: compressed)
    normalise_loss: bool = False     # each window's error divided by its sources' energy (quiet = loud)
    phase_sensitive: bool = False    # targets |S| cos(angle S - angle Y) in [0, |Y|] instead of |S|
    augment: bool = False            # remixing, voice-level and input-level augmentation
    remix_probability: float = 0.5   # with augment: chance that a window's accompaniment comes from another clip
    voice_gain_db: float = 5.0       # with augment: the voice-to-accompaniment level moves by up to +-this many dB
    pitch_shift: float = 0.0         # with augment: vocals also resampled by up to +-this many semitones
    pitch_formants: str = "move"     # pitch-shifted vocals' formants: move with the pitch | keep (warped back) | both
    pitch_steps: int = 2             # pitch-shifted vocal versions on each side of the original, evenly up to +-pitch_shift
    formant_follow: float = 1.0      # share of a resampled vocal's pitch shift its formants follow (1: all; 0: as keep)
    time_stretch: float = 0.0        # with augment: vocals also played 1 + this times faster and slower, pitch kept
    accompaniment_shift: float = 0.0  # with augment: accompaniments also resampled by up to +-this many semitones
    formant_shift: float = 0.0       # with augment: vocal formants also moved by up to +-this many semitones, pitch kept
    eq_db: float = 0.0               # with augment: random equaliser curves of up to +-this many dB
    frequency_mask: int = 0          # with augment: two bands of up to this many bins hidden from the network's input
    time_mask: int = 0               # with augment: two spans of up to this many frames hidden from the network's input
    reverse_probability: float = 0.0  # with augment: chance that a training window is played backwards (every spectrogram)
    second_accompaniment: float = 0.0  # with augment: chance that a window's accompaniment is summed with another clip's
    weight_decay: float = 0.0        # decoupled weight decay (AdamW) of every trainable weight, per unit learning rate
    dropout: float = 0.0             # training only: dropout on each GRU layer's inputs
    lookahead: int = 0               # frames of future context: the GRU outputs frame t's mask at step t + lookahead
    head_skip: bool = False          # the two heads also hear the network's input features of the frame, beside the GRU's
    ema: float = 0.0                 # > 0: the saved weights are their moving average with this momentum
    clip_norm: float = 0.0           # > 0: each step's gradients are scaled down to at most this global norm
    input_gain_db: float = 0.0       # inference: the network hears the mixture scaled by this (masks apply unscaled)
    view_shift: float = 0.0          # inference: also hears the mixture moved by -+this many semitones, masks averaged
    mask_power: float = 1.0          # inference: Wiener-style post-filter exponent of the vocals mask (1: off)
    repet_weight: float = 0.0        # inference: the vocals are cut with this much of REPET-SIM's mask mixed in (0: off)
    validate_every: int = 200
    checkpoint_every: int = 1000
    seed: int = 0
    members: int = 1                 # models trained at once (seeds seed, seed+1, ...), their vocals masks averaged
    recipe: str = "seed"

    def __post_init__(self):
        counts = ("sample_rate", "n_fft", "hop_length", "num_layers", "hidden_size", "frames", "batch_size",
                  "iterations", "validate_every", "checkpoint_every", "members", "pitch_steps")
        below_one = [f"{name} {getattr(self, name)}" for name in counts if getattr(self, name) < 1]
        if below_one:
            raise SvsError(f"these are counts of at least 1: got {', '.join(below_one)}")
        # sizes, strengths and +- ranges (dB, semitones, tempo) where 0 is off
        off_at_zero = ("clip_norm", "frequency_mask", "time_mask", "weight_decay", "voice_gain_db", "eq_db",
                       "time_stretch", "pitch_shift", "accompaniment_shift", "formant_shift", "view_shift")
        below_zero = [f"{name} {getattr(self, name)}" for name in off_at_zero if getattr(self, name) < 0]
        if below_zero:
            raise SvsError(f"these are 0 (off) or above, +- ranges given by their size: got {', '.join(below_zero)}")
        not_finite = [f"{f.name} {getattr(self, f.name)}" for f in dataclasses.fields(self)
                      if isinstance(getattr(self, f.name), float) and not math.isfinite(getattr(self, f.name))]
        if not_finite:
            raise SvsError(f"these must be finite numbers: got {', '.join(not_finite)}")
        for name, choices in (("features", FEATURES), ("mixing", MIXING_RULES), ("lr_schedule", LR_SCHEDULES),
                              ("pitch_formants", PITCH_FORMANTS)):
            if getattr(self, name) not in choices:
                raise SvsError(f"{name} must be one of {', '.join(choices)}, got {getattr(self, name)!r}")
        if not self.learning_rate > 0:
            raise SvsError(f"learning_rate must be above 0, got {self.learning_rate}")
        if not 0 <= self.dropout < 1:
            raise SvsError(f"dropout is a fraction in [0, 1) (0: off), got {self.dropout}")
        if self.lookahead < 0 or self.lookahead >= self.frames:
            raise SvsError(f"lookahead must be at least 0 and below frames ({self.frames}), got {self.lookahead}")
        if self.head_skip and self.lookahead:
            raise SvsError("head_skip hears the frame of the step, lookahead masks an earlier one: use one of them")
        if self.loss_power <= 0:
            raise SvsError(f"loss_power must be above 0 (1 is plain MSE on magnitudes), got {self.loss_power}")
        if not 0 <= self.ema < 1:
            raise SvsError(f"ema is a momentum in [0, 1) (0: off; e.g. 0.999), got {self.ema}")
        if not 0 <= self.warmup < self.iterations or (self.warmup and self.lr_schedule != "cosine"):
            raise SvsError(f"warmup is a count of steps below iterations ({self.iterations}), with the cosine "
                           f"lr_schedule, got {self.warmup} with {self.lr_schedule}")
        if not self.mask_power > 0:
            raise SvsError(f"mask_power is a post-filter exponent above 0 (1: off), got {self.mask_power}")
        check_formant_follow(self.formant_follow)
        if not 0 <= self.repet_weight <= 1:
            raise SvsError(f"repet_weight is a weight in [0, 1] (0: off), got {self.repet_weight}")
        for name in ("remix_probability", "reverse_probability", "second_accompaniment"):
            if not 0 <= getattr(self, name) <= 1:
                raise SvsError(f"{name} is a probability in [0, 1], got {getattr(self, name)}")

    @property
    def num_bins(self) -> int:
        return self.n_fft // 2 + 1

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Config":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise SvsError(f"config has unknown fields {sorted(unknown)}: was it written by a newer svsrnn?")
        return cls(**data)


# Named training recipes: overrides of the seed defaults. `python train.py` uses DEFAULT_RECIPE.
RECIPES: dict[str, dict] = {
    "seed": {},
    "context": dict(features="log", mixing="0db", frames=100, batch_size=16, learning_rate=1e-3,
                    lr_schedule="cosine", iterations=15000, augment=True, pitch_shift=8.0,
                    input_gain_db=-12.0,  # the middle of the input levels it trains on (preprocess.Augmentation)
                    view_shift=2.0, mask_power=1.5,  # test-time pitch views and post-filter (experiments/README.md: Pitch views)
                    repet_weight=0.35,  # the vocals-only repetition prior (experiments/README.md: A repetition prior;
                    # 0.35 since "REPET-SIM's settings again, with guided neighbours")
                    members=2),  # two models trained at once, their masks averaged (README: The shipped model)
}
DEFAULT_RECIPE = "context"


def recipe_config(name: str, **overrides) -> Config:
    if name not in RECIPES:
        raise SvsError(f"unknown recipe {name!r}: choose from {sorted(RECIPES)}")
    return Config(**{**RECIPES[name], **overrides, "recipe": name})


def load_config(model_dir: str | os.PathLike) -> Config:
    path = Path(model_dir) / CONFIG_FILE
    if not path.is_file():
        raise SvsError(f"no model in {model_dir}: {path} is missing (train one with `python train.py`)")
    return Config.from_json(read_json(path))


def member_dir(model_dir: str | os.PathLike, index: int) -> Path:
    """The folder of member `index` (1..N-1) of a model trained with `members` N: inside the first's."""
    return Path(model_dir) / f"member-{index}"


def member_dirs(model_dir: str | os.PathLike) -> list[Path]:
    """The model folders that `model_dir` stands for: itself, and with `members` N > 1 also its
    member-1 .. member-(N-1) folders (train.py --members N writes them)."""
    model_dir = Path(model_dir)
    count = load_config(model_dir).members
    folders = [model_dir] + [member_dir(model_dir, k) for k in range(1, count)]
    for folder in folders[1:]:
        if not (folder / CONFIG_FILE).is_file():
            raise SvsError(f"{model_dir} is the first of {count} models trained together, but {folder} has no "
                           f"model: finish training with `python train.py --resume --model-dir {model_dir}`")
    return folders


def model_fingerprint(model_dir: str | os.PathLike) -> str:
    """sha256 of config.json and the weights: model.onnx records the one it was exported from,
    so an export older than the weights is never used."""
    digest = hashlib.sha256()
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        digest.update((Path(model_dir) / name).read_bytes())
    return digest.hexdigest()

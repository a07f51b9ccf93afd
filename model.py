"""The network: stacked GRU -> two ReLU dense heads -> soft time-frequency masks. Config and save/load."""
from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils import SvsError, read_json, write_json


def _import_tensorflow():
    """Import TensorFlow without the C++ start-up chatter (CUDA probing, oneDNN notices) that
    it prints to stderr before its own log level applies; an import error is still shown."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    # Keras imports scikit-learn (installed with librosa) only for its sklearn wrappers, which
    # svsrnn does not use; hiding it while Keras loads saves about 0.8 s of every start-up.
    hide_sklearn = "sklearn" not in sys.modules
    if hide_sklearn:
        sys.modules["sklearn"] = None
    try:
        import keras
        import tensorflow
    finally:
        if hide_sklearn:
            del sys.modules["sklearn"]
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
    return keras, tensorflow


keras, tf = _import_tensorflow()

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
CHECKPOINT_DIR = "checkpoint"
EPSILON = 1e-8  # keeps the mask defined where both heads output 0
LOG_FLOOR = 1e-5  # magnitude floor of the log features (digital silence)


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
    iterations: int = 50000
    discriminative_weight: float = 0.0  # gamma of Huang et al.'s discriminative term
    augment: bool = False            # remixing, voice-level and input-level augmentation
    pitch_shift: float = 0.0         # with augment: vocals also resampled by up to +-this many semitones
    eq_db: float = 0.0               # with augment: random equaliser curves of up to +-this many dB
    validate_every: int = 200
    checkpoint_every: int = 1000
    seed: int = 0
    recipe: str = "seed"

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
                    lr_schedule="cosine", iterations=15000, augment=True, pitch_shift=4.0),
}
DEFAULT_RECIPE = "context"


def recipe_config(name: str, **overrides) -> Config:
    if name not in RECIPES:
        raise SvsError(f"unknown recipe {name!r}: choose from {sorted(RECIPES)}")
    return Config(**{**RECIPES[name], **overrides, "recipe": name})


class SeparationRNN(keras.Model):
    """Magnitudes (batch, frames, bins) -> soft masks for accompaniment and vocals.

    The GRUs are causal, so a long input can be cut into chunks that carry the GRU
    states from one to the next (see `masks(..., states)`), with the same result.
    """

    def __init__(self, config: Config, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        bins = config.num_bins
        # Per-bin statistics of the log features, set from the training data; saved with the weights.
        self.feature_mean = self.add_weight(shape=(bins,), initializer="zeros", trainable=False,
                                            name="feature_mean")
        self.feature_std = self.add_weight(shape=(bins,), initializer="ones", trainable=False,
                                           name="feature_std")
        self.grus = [keras.layers.GRU(config.hidden_size, return_sequences=True, return_state=True,
                                      name=f"gru_{i}") for i in range(config.num_layers)]
        self.accompaniment_head = keras.layers.Dense(bins, activation="relu", name="accompaniment_head")
        self.vocals_head = keras.layers.Dense(bins, activation="relu", name="vocals_head")

    def features(self, magnitude):
        if self.config.features == "log":
            return (tf.math.log(magnitude + LOG_FLOOR) - self.feature_mean) / self.feature_std
        return magnitude

    def masks(self, magnitude, states=None, training=False, valid=None):
        """(batch, frames, bins) -> accompaniment mask, vocals mask (same shape, summing to 1)
        and the final GRU states, a list of (batch, hidden_size). `valid` (batch, frames) marks
        real frames: padding after them leaves the states as they were at the last real frame."""
        hidden = self.features(magnitude)
        new_states = []
        for i, gru in enumerate(self.grus):
            initial = None if states is None else states[i]
            hidden, state = gru(hidden, initial_state=initial, training=training, mask=valid)
            new_states.append(state)
        h_accompaniment = self.accompaniment_head(hidden)  # (batch, frames, bins)
        h_vocals = self.vocals_head(hidden)
        # Where both heads output 0 each source gets half, so the masks always sum to 1.
        total = h_accompaniment + h_vocals + EPSILON
        return (h_accompaniment + EPSILON / 2) / total, (h_vocals + EPSILON / 2) / total, new_states

    def inference_masks(self, magnitude, states, valid):
        """`masks` for inference, same maths, faster on CPU: each GRU layer projects all its input
        frames in one matrix product, so the loop over time only multiplies the recurrent state.
        (batch, frames, bins), list of (batch, hidden), (batch, frames) bool -> vocals mask, states."""
        hidden = self.features(magnitude)
        new_states = []
        for gru, state in zip(self.grus, states):
            cell = gru.cell
            units = cell.units
            input_bias, recurrent_bias = cell.bias[0], cell.bias[1]  # reset_after=True, Keras' default
            projected = tf.einsum("btf,fg->tbg", hidden, cell.kernel) + input_bias  # (frames, batch, 3 units)
            mask = tf.transpose(tf.cast(valid, hidden.dtype))[:, :, None]  # (frames, batch, 1)

            def step(h, inputs, cell=cell, units=units, recurrent_bias=recurrent_bias):
                x, keep = inputs
                recurrent = tf.matmul(h, cell.recurrent_kernel) + recurrent_bias
                z = tf.sigmoid(x[:, :units] + recurrent[:, :units])
                r = tf.sigmoid(x[:, units:2 * units] + recurrent[:, units:2 * units])
                candidate = tf.tanh(x[:, 2 * units:] + r * recurrent[:, 2 * units:])
                new = z * h + (1 - z) * candidate
                return keep * new + (1 - keep) * h

            outputs = tf.scan(step, (projected, mask), initializer=state)  # (frames, batch, units)
            new_states.append(outputs[-1])
            hidden = tf.transpose(outputs, [1, 0, 2])
        h_accompaniment = self.accompaniment_head(hidden)
        h_vocals = self.vocals_head(hidden)
        return (h_vocals + EPSILON / 2) / (h_accompaniment + h_vocals + EPSILON), new_states

    def call(self, magnitude, training=False):
        """The seed's soft masking layer: y_hat_i = h_i / (h_1 + h_2 + eps) * x, both (batch, frames, bins)."""
        mask_accompaniment, mask_vocals, _ = self.masks(magnitude, training=training)
        return mask_accompaniment * magnitude, mask_vocals * magnitude

    def set_feature_statistics(self, magnitude_frames: np.ndarray) -> None:
        """Per-bin mean and std of log magnitudes, from (frames, bins) training mixtures."""
        log_magnitude = np.log(magnitude_frames.astype(np.float64) + LOG_FLOOR)
        self.feature_mean.assign(log_magnitude.mean(axis=0).astype(np.float32))
        self.feature_std.assign(np.maximum(log_magnitude.std(axis=0), 1e-3).astype(np.float32))


def build_model(config: Config) -> SeparationRNN:
    model = SeparationRNN(config)
    model(tf.zeros((1, 2, config.num_bins)))  # create the weights
    return model


def separation_loss(accompaniment, vocals, accompaniment_hat, vocals_hat, discriminative_weight=0.0):
    """mean((y1 - y1_hat)^2 + (y2 - y2_hat)^2), minus gamma times the cross terms
    (y1 - y2_hat)^2 + (y2 - y1_hat)^2 when discriminative (Huang et al. 2014)."""
    loss = tf.reduce_mean(tf.square(accompaniment - accompaniment_hat) + tf.square(vocals - vocals_hat))
    if discriminative_weight:
        cross = tf.reduce_mean(tf.square(accompaniment - vocals_hat) + tf.square(vocals - accompaniment_hat))
        loss = loss - discriminative_weight * cross
    return loss


def save_model(model: SeparationRNN, model_dir: str | os.PathLike) -> None:
    """config.json + model.weights.h5: all that inference needs."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    write_json(model_dir / CONFIG_FILE, model.config.to_json())
    tmp = model_dir / f".tmp.{WEIGHTS_FILE}"
    model.save_weights(tmp)
    os.replace(tmp, model_dir / WEIGHTS_FILE)


def load_config(model_dir: str | os.PathLike) -> Config:
    path = Path(model_dir) / CONFIG_FILE
    if not path.is_file():
        raise SvsError(f"no model in {model_dir}: {path} is missing (train one with `python train.py`)")
    return Config.from_json(read_json(path))


def load_model(model_dir: str | os.PathLike) -> SeparationRNN:
    """Rebuild the model from its config.json and load its weights."""
    config = load_config(model_dir)
    model = build_model(config)
    weights = Path(model_dir) / WEIGHTS_FILE
    if not weights.is_file():
        raise SvsError(f"no weights in {model_dir}: {weights} is missing")
    model.load_weights(weights)
    return model


def save_checkpoint(model: SeparationRNN, optimizer: keras.optimizers.Optimizer, model_dir: str | os.PathLike,
                    state: dict) -> None:
    """Everything needed to resume training exactly: weights, optimizer variables and
    `state` (step, sampler RNG, ...). Written to a temporary folder, then swapped in."""
    final = Path(model_dir) / CHECKPOINT_DIR
    tmp = Path(model_dir) / f".{CHECKPOINT_DIR}.tmp"
    old = Path(model_dir) / f".{CHECKPOINT_DIR}.old"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_weights(tmp / WEIGHTS_FILE)
    np.savez(tmp / "optimizer.npz", *[v.numpy() for v in optimizer.variables])
    write_json(tmp / "state.json", state)
    write_json(tmp / CONFIG_FILE, model.config.to_json())
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def checkpoint_dir(model_dir: str | os.PathLike) -> Path:
    """The checkpoint folder; one left as `.checkpoint.old` by a save cut between its two renames
    is put back."""
    final, old = Path(model_dir) / CHECKPOINT_DIR, Path(model_dir) / f".{CHECKPOINT_DIR}.old"
    if not final.exists() and old.exists():
        old.rename(final)
    return final


def load_checkpoint(model: SeparationRNN, optimizer: keras.optimizers.Optimizer,
                    model_dir: str | os.PathLike) -> dict:
    """Restore weights and optimizer variables saved by `save_checkpoint`; returns its state."""
    folder = checkpoint_dir(model_dir)
    if not (folder / "state.json").is_file():
        raise SvsError(f"nothing to resume: no checkpoint in {folder}")
    model.load_weights(folder / WEIGHTS_FILE)
    optimizer.build(model.trainable_variables)
    with np.load(folder / "optimizer.npz") as saved:
        values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if len(values) != len(optimizer.variables):
        raise SvsError(f"checkpoint in {folder} does not match this optimizer "
                       f"({len(values)} saved variables, {len(optimizer.variables)} expected)")
    for variable, value in zip(optimizer.variables, values):
        variable.assign(value)
    return read_json(folder / "state.json")

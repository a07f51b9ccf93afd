"""The network: stacked GRU -> two ReLU dense heads -> soft time-frequency masks; save/load and
the ONNX export used for fast inference. Hyperparameters and recipes are in config.py."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np

from config import (CONFIG_FILE, DEFAULT_RECIPE, ONNX_FILE, RECIPES, WEIGHTS_FILE,  # noqa: F401 (re-exported)
                    Config, load_config, model_fingerprint, recipe_config)
from utils import SvsError, read_json, replaced_when_written, write_json


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

CHECKPOINT_DIR = "checkpoint"
EPSILON = 1e-8  # keeps the mask defined where both heads output 0
LOG_FLOOR = 1e-5  # magnitude floor of the log features (digital silence)


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
                                      dropout=config.dropout, name=f"gru_{i}") for i in range(config.num_layers)]
        self.accompaniment_head = keras.layers.Dense(bins, activation="relu", name="accompaniment_head")
        self.vocals_head = keras.layers.Dense(bins, activation="relu", name="vocals_head")

    def features(self, magnitude, keep=None):
        """The network's input; `keep` (batch, frames, bins), training only, multiplies each
        window's features (0 hides a bin of a frame: for log features, its training-data mean)."""
        if self.config.features == "log":
            features = (tf.math.log(magnitude + LOG_FLOOR) - self.feature_mean) / self.feature_std
        else:
            features = magnitude
        return features if keep is None else features * keep

    def masks(self, magnitude, states=None, training=False, valid=None, keep=None):
        """(batch, frames, bins) -> accompaniment mask, vocals mask (same shape, summing to 1)
        and the final GRU states, a list of (batch, hidden_size). `valid` (batch, frames) marks
        real frames: padding after them leaves the states as they were at the last real frame.
        `keep`: see `features`."""
        features = hidden = self.features(magnitude, keep)
        new_states = []
        for i, gru in enumerate(self.grus):
            initial = None if states is None else states[i]
            hidden, state = gru(hidden, initial_state=initial, training=training, mask=valid)
            new_states.append(state)
        return (*self._heads(hidden, features), new_states)

    def training_masks(self, magnitude, keep=None):
        """`masks(magnitude, training=True)` without the states, computed like `inference_masks`
        (each layer's input projected in one matrix product): the same maths, less time per
        training step on CPU (benchmarks/train_step.py). Keras' own GRU layers are used when
        they have to apply dropout."""
        if self.config.dropout:
            return self.masks(magnitude, training=True, keep=keep)[:2]
        batch = tf.shape(magnitude)[0]
        states = [tf.zeros((batch, gru.cell.units), magnitude.dtype) for gru in self.grus]
        features = self.features(magnitude, keep)
        hidden, _ = self._projected_grus(features, states)
        return self._heads(hidden, features)

    def inference_masks(self, magnitude, states, valid):
        """`masks` for inference, same maths, faster on CPU (see `_projected_grus`).
        (batch, frames, bins), list of (batch, hidden), (batch, frames) bool -> vocals mask, states."""
        features = self.features(magnitude)
        hidden, new_states = self._projected_grus(features, states, valid)
        return self._heads(hidden, features)[1], new_states

    def _projected_grus(self, hidden, states, valid=None):
        """The GRU stack on (batch, frames, features), computed so that each layer projects all its
        input frames in one matrix product and the loop over time only multiplies the recurrent
        state. `valid` (batch, frames) bool, if given, keeps the state through padding frames.
        Returns the last layer's outputs (batch, frames, hidden) and each layer's final state."""
        new_states = []
        keep = None if valid is None else tf.transpose(tf.cast(valid, hidden.dtype))[:, :, None]  # (frames, batch, 1)
        for gru, state in zip(self.grus, states):
            cell = gru.cell
            units = cell.units
            input_bias, recurrent_bias = cell.bias[0], cell.bias[1]  # reset_after=True, Keras' default
            projected = tf.einsum("btf,fg->tbg", hidden, cell.kernel) + input_bias  # (frames, batch, 3 units)

            def update(h, x, cell=cell, units=units, recurrent_bias=recurrent_bias):
                recurrent = tf.matmul(h, cell.recurrent_kernel) + recurrent_bias
                z = tf.sigmoid(x[:, :units] + recurrent[:, :units])
                r = tf.sigmoid(x[:, units:2 * units] + recurrent[:, units:2 * units])
                candidate = tf.tanh(x[:, 2 * units:] + r * recurrent[:, 2 * units:])
                return z * h + (1 - z) * candidate

            def update_real_frames(h, inputs, update=update):
                x, real = inputs  # (batch, 3 units), (batch, 1): 0 for padding
                return real * update(h, x) + (1 - real) * h

            if keep is None:
                outputs = tf.scan(update, projected, initializer=state)  # (frames, batch, units)
            else:
                outputs = tf.scan(update_real_frames, (projected, keep), initializer=state)
            new_states.append(outputs[-1])
            hidden = tf.transpose(outputs, [1, 0, 2])
        return hidden, new_states

    def _heads(self, hidden, features):
        """The seed's soft masks from the last GRU layer: accompaniment and vocals, summing to 1.
        With `head_skip` the heads hear each frame's input features too, beside the GRU's output."""
        if self.config.head_skip:
            hidden = tf.concat([hidden, features], axis=-1)
        h_accompaniment = self.accompaniment_head(hidden)  # (batch, frames, bins)
        h_vocals = self.vocals_head(hidden)
        # Where both heads output 0 each source gets half, so the masks always sum to 1.
        total = h_accompaniment + h_vocals + EPSILON
        return (h_accompaniment + EPSILON / 2) / total, (h_vocals + EPSILON / 2) / total

    def call(self, magnitude, training=False):
        """The seed's soft masking layer: y_hat_i = h_i / (h_1 + h_2 + eps) * x. (batch, frames, bins)
        -> two (batch, frames - lookahead, bins): the last `lookahead` frames have no mask yet."""
        mask_accompaniment, mask_vocals, _ = self.masks(magnitude, training=training)
        (mask_accompaniment, mask_vocals), (magnitude,) = align_lookahead(
            self.config.lookahead, (mask_accompaniment, mask_vocals), (magnitude,))
        return mask_accompaniment * magnitude, mask_vocals * magnitude

    def set_feature_statistics(self, magnitude_frames: np.ndarray) -> None:
        """Per-bin mean and std of log magnitudes, from (frames, bins) training mixtures."""
        log_magnitude = np.log(magnitude_frames.astype(np.float64) + LOG_FLOOR)
        self.feature_mean.assign(log_magnitude.mean(axis=0).astype(np.float32))
        self.feature_std.assign(np.maximum(log_magnitude.std(axis=0), 1e-3).astype(np.float32))


def align_lookahead(lookahead: int, masks, frames):
    """Pairs the GRU's outputs with the frames they are masks of: with `lookahead` d the output
    at step t belongs to frame t - d, so within a window of T frames the masks of steps d..T-1
    go with frames 0..T-d-1. Both are tuples of (batch, T, bins) tensors; returns them cut to T - d."""
    if not lookahead:
        return tuple(masks), tuple(frames)
    return tuple(m[:, lookahead:] for m in masks), tuple(f[:, :-lookahead] for f in frames)


def build_model(config: Config) -> SeparationRNN:
    model = SeparationRNN(config)
    model(tf.zeros((1, 2, config.num_bins)))  # create the weights
    return model


def separation_loss(accompaniment, vocals, accompaniment_hat, vocals_hat, discriminative_weight=0.0,
                    power=1.0, normalise=False):
    """mean((y1 - y1_hat)^2 + (y2 - y2_hat)^2), minus gamma times the cross terms
    (y1 - y2_hat)^2 + (y2 - y1_hat)^2 when discriminative (Huang et al. 2014). With `power` p < 1
    every magnitude is first raised to p (compressed), so quiet bins weigh more than in plain MSE.
    With `normalise` each window's (batch row's) error is divided by its sources' mean energy
    mean(y1^2 + y2^2), so quiet and loud passages weigh the same."""
    if power != 1.0:
        accompaniment, vocals, accompaniment_hat, vocals_hat = (
            tf.pow(m + LOG_FLOOR, power) for m in (accompaniment, vocals, accompaniment_hat, vocals_hat))
    axes = list(range(1, len(accompaniment.shape)))  # all but the batch axis
    loss = tf.reduce_mean(tf.square(accompaniment - accompaniment_hat) + tf.square(vocals - vocals_hat), axis=axes)
    if discriminative_weight:
        cross = tf.reduce_mean(tf.square(accompaniment - vocals_hat) + tf.square(vocals - accompaniment_hat),
                               axis=axes)
        loss = loss - discriminative_weight * cross
    if normalise:
        loss = loss / (tf.reduce_mean(tf.square(accompaniment) + tf.square(vocals), axis=axes) + EPSILON)
    return tf.reduce_mean(loss)


def save_model(model: SeparationRNN, model_dir: str | os.PathLike) -> None:
    """config.json + model.weights.h5, and model.onnx for fast inference."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    write_json(model_dir / CONFIG_FILE, model.config.to_json())
    with replaced_when_written(model_dir / WEIGHTS_FILE) as tmp:
        model.save_weights(tmp)
    export_onnx(model, model_dir)


def export_onnx(model: SeparationRNN, model_dir: str | os.PathLike) -> Path:
    """Write model_dir/model.onnx: `inference_masks` as an ONNX graph (the standard GRU operator,
    linear_before_reset = Keras' reset_after), for ONNX Runtime, which starts far faster than
    TensorFlow. Inputs: magnitude (frames, 1, bins), frames (1,) int32
    and one state (1, 1, hidden) per layer; outputs: vocals mask (frames, 1, bins) and the states."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = model.config
    initializers, nodes = [], []

    def constant(name, value, dtype=np.float32):
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype)), name))
        return name

    def node(op, inputs, output, **attributes):
        nodes.append(helper.make_node(op, inputs, [output] if isinstance(output, str) else output, **attributes))
        return output

    hidden = "magnitude"
    if config.features == "log":
        hidden = node("Log", [node("Add", [hidden, constant("log_floor", [LOG_FLOOR])], "floored")], "log")
        hidden = node("Sub", [hidden, constant("feature_mean", model.feature_mean.numpy())], "centred")
        hidden = node("Div", [hidden, constant("feature_std", model.feature_std.numpy())], "features")
    features = hidden
    squeeze = constant("direction_axis", [1], np.int64)
    for i, gru in enumerate(model.grus):
        cell = gru.cell  # Keras gate order z, r, h is ONNX's zrh; bias rows: input, recurrent
        weights = [constant(f"gru_{i}_W", cell.kernel.numpy().T[None]),
                   constant(f"gru_{i}_R", cell.recurrent_kernel.numpy().T[None]),
                   constant(f"gru_{i}_B", cell.bias.numpy().reshape(1, -1))]
        node("GRU", [hidden, *weights, "frames", f"state_{i}"], [f"gru_{i}_sequence", f"new_state_{i}"],
             hidden_size=config.hidden_size, linear_before_reset=1)
        hidden = node("Squeeze", [f"gru_{i}_sequence", squeeze], f"gru_{i}_out")  # (frames, 1, hidden)
    if config.head_skip:
        hidden = node("Concat", [hidden, features], "heads_input", axis=2)  # (frames, 1, hidden + bins)
    heads = {}
    for name, head in (("accompaniment", model.accompaniment_head), ("vocals", model.vocals_head)):
        product = node("MatMul", [hidden, constant(f"{name}_kernel", head.kernel.numpy())], f"{name}_product")
        affine = node("Add", [product, constant(f"{name}_bias", head.bias.numpy())], f"{name}_affine")
        heads[name] = node("Relu", [affine], f"{name}_head")
    total = node("Add", [node("Add", [heads["accompaniment"], heads["vocals"]], "heads_sum"),
                         constant("epsilon", [EPSILON])], "total")
    node("Div", [node("Add", [heads["vocals"], constant("half_epsilon", [EPSILON / 2])], "vocals_eps"), total],
         "vocals_mask")

    def tensor(name, dtype, shape):
        return helper.make_tensor_value_info(name, dtype, shape)

    state = [1, 1, config.hidden_size]
    inputs = [tensor("magnitude", TensorProto.FLOAT, ["frames", 1, config.num_bins]),
              tensor("frames", TensorProto.INT32, [1])]
    outputs = [tensor("vocals_mask", TensorProto.FLOAT, ["frames", 1, config.num_bins])]
    for i in range(config.num_layers):
        inputs.append(tensor(f"state_{i}", TensorProto.FLOAT, state))
        outputs.append(tensor(f"new_state_{i}", TensorProto.FLOAT, state))
    graph = helper.make_graph(nodes, "svsrnn", inputs, outputs, initializers)
    exported = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="svsrnn")
    exported.ir_version = 8  # readable by older ONNX Runtimes too
    helper.set_model_props(exported, {"fingerprint": model_fingerprint(model_dir)})
    onnx.checker.check_model(exported)
    path = Path(model_dir) / ONNX_FILE
    with replaced_when_written(path) as tmp:
        tmp.write_bytes(exported.SerializeToString())
    return path


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
    try:
        model.save_weights(tmp / WEIGHTS_FILE)
        np.savez(tmp / "optimizer.npz", *[v.numpy() for v in optimizer.variables])
        write_json(tmp / "state.json", state)
        write_json(tmp / CONFIG_FILE, model.config.to_json())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # the previous checkpoint stays as it was
        raise
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


def checkpoint_state(model_dir: str | os.PathLike) -> dict:
    """The state saved with the checkpoint in model_dir (step, times, sampler RNG, clips); a clear
    error when there is none or it cannot be read."""
    path = checkpoint_dir(model_dir) / "state.json"
    if not path.is_file():
        raise SvsError(f"nothing to resume: no checkpoint in {path.parent} (start without --resume)")
    try:
        return read_json(path)
    except (OSError, ValueError) as error:
        raise SvsError(f"cannot resume: {path} is damaged ({error}); start afresh without --resume") from None


def load_checkpoint(model: SeparationRNN, optimizer: keras.optimizers.Optimizer,
                    model_dir: str | os.PathLike) -> dict:
    """Restore weights and optimizer variables saved by `save_checkpoint`; returns its state."""
    state = checkpoint_state(model_dir)
    folder = checkpoint_dir(model_dir)
    model.load_weights(folder / WEIGHTS_FILE)
    optimizer.build(model.trainable_variables)
    with np.load(folder / "optimizer.npz") as saved:
        values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if len(values) != len(optimizer.variables):
        raise SvsError(f"checkpoint in {folder} does not match this optimizer "
                       f"({len(values)} saved variables, {len(optimizer.variables)} expected)")
    for variable, value in zip(optimizer.variables, values):
        variable.assign(value)
    return state

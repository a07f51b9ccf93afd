"""Separation with a trained model: an array API and a file layer on top of it (as Spleeter).

    from separator import load_separator
    stems = load_separator("model").separate(waveform, sample_rate)  # {"vocals": ..., "accompaniment": ...}
    stems = load_separator(["model", "other"]).separate(waveform, sample_rate)  # the mean of two models' masks
    stems = load_separator("model", pitch_views=(), mask_power=1.0, repet_weight=0).separate(...)  # the networks alone

`load_separator` gives what main.py uses: a `Separator` (one model), an `Ensemble` (several),
wrapped in `PitchViews` when the (first) model's config asks for views (`view_shift`), and in
a `repetition.RepetitionPrior` when it asks for one (`repet_weight`).

The model works on 16 kHz mono magnitudes. Its masks are mapped onto the STFT of each
input channel at the input's own rate (linear interpolation in time and frequency), so
the stems keep the input's rate and channels and, without a repetition prior, add back to
the input. Above 8 kHz, where the model sees nothing, each frame uses the mean mask of its
4-8 kHz band.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from utils import SvsError, finite_float

TOP_BAND_HZ = 4000.0  # masks above the model's 8 kHz Nyquist copy the mean of 4 kHz..8 kHz
BACKENDS = ("auto", "onnx", "tensorflow")
CHUNK_FRAMES = 1024  # 16 kHz frames the GRUs are run on at once (16 s), and REPET-SIM compares at once


class _MaskSeparator:
    """What the stream and the file layer use: `config`, `chunk_frames`, `stem_masks`; and the array API."""

    stem_mask_count = 1  # masks stem_masks gives: 1, the vocals mask for both stems; 2, one per stem

    def stem_masks(self, magnitude: np.ndarray, states: list | None = None) -> tuple[np.ndarray, list]:
        """As `vocals_mask`, with the masks the stems are cut with, (stem_mask_count, frames, bins): the
        first cuts the vocals, and the accompaniment is the input less what the last one cuts."""
        mask, states = self.vocals_mask(magnitude, states)
        return mask[None], states

    def separate(self, waveform: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
        """(samples,) or (channels, samples) at any rate -> {"vocals", "accompaniment"}, each the
        input's shape and rate; vocals + accompaniment == waveform up to float rounding when
        the stems are cut with one mask (stem_mask_count 1: no repetition prior)."""
        waveform = np.asarray(waveform, dtype=np.float32)
        if waveform.ndim not in (1, 2) or waveform.shape[-1] == 0:
            raise SvsError(f"expected (samples,) or (channels, samples) audio, got shape {waveform.shape}")
        channels = np.atleast_2d(waveform)
        stream = SeparationStream(self, sample_rate, channels.shape[0])
        parts = [stream.feed(channels), stream.finish()]
        vocals = np.concatenate([p[0] for p in parts], axis=-1)
        accompaniment = np.concatenate([p[1] for p in parts], axis=-1)
        if waveform.ndim == 1:
            vocals, accompaniment = vocals[0], accompaniment[0]
        return {"vocals": vocals, "accompaniment": accompaniment}


def post_filter(mask: np.ndarray, power: float) -> np.ndarray:
    """The Wiener-style post-filter: m^p / (m^p + (1 - m)^p) of vocals mask m (p = 1: m itself)."""
    if power == 1:
        return mask
    vocals, accompaniment = mask ** power, (1 - mask) ** power
    return vocals / np.maximum(vocals + accompaniment, np.finfo(np.float32).tiny)


def _check_mask_power(mask_power: float) -> None:
    if not mask_power > 0:
        raise SvsError(f"mask power must be positive, got {mask_power}")


class Separator(_MaskSeparator):
    """Holds a loaded model; `separate` is the array API, `vocals_mask` the model-only step.

    Two backends run the same network: ONNX Runtime on the model's model.onnx (starts in a
    fraction of a second) and TensorFlow on its Keras weights (seconds: import, build, XLA
    compile; see the README's start-up rows). "auto"
    takes ONNX when model.onnx is there and was exported from these very weights, and otherwise
    TensorFlow, which then writes model.onnx for the next run when it can."""

    def __init__(self, model_dir: str | os.PathLike = "model", chunk_frames: int = CHUNK_FRAMES,
                 mask_power: float | None = None, backend: str = "auto", threads: int = 1,
                 input_gain_db: float | None = None):
        """`mask_power` p > 1 is a Wiener-style post-filter: with m the model's vocals mask, the
        mask used is m^p / (m^p + (1 - m)^p), i.e. the estimated magnitudes raised to p before the
        ratio (p = 2: a Wiener filter with the estimates as power spectra). 1 is the model as
        trained; default the model's `mask_power`. (`load_separator` adds the model's pitch views.)
        `threads`: ONNX Runtime threads per call (1 where files are separated in parallel threads).
        `input_gain_db`: the network hears the mixture scaled by this many dB (the masks still apply
        to the mixture as it is); default the model's `input_gain_db`."""
        from config import load_config

        if backend not in BACKENDS:
            raise SvsError(f"unknown backend {backend!r}: choose from {', '.join(BACKENDS)}")
        self.chunk_frames = chunk_frames
        self.config = load_config(model_dir)
        self.mask_power = self.config.mask_power if mask_power is None else mask_power
        _check_mask_power(self.mask_power)
        self.backend = None
        if backend != "tensorflow":
            self._session = _onnx_session(model_dir, required=backend == "onnx", threads=threads)
            if self._session is not None:
                self.backend, self._run = "onnx", self._run_onnx
        if self.backend is None:
            self._load_tensorflow(model_dir, export=backend == "auto")
            self.backend, self._run = "tensorflow", self._run_tensorflow
        self.input_gain_db = self.config.input_gain_db if input_gain_db is None else input_gain_db
        if not np.isfinite(self.input_gain_db):
            raise SvsError(f"input gain must be a finite number of dB, got {self.input_gain_db}")
        self._input_gain = np.float32(10 ** (self.input_gain_db / 20))

    def _load_tensorflow(self, model_dir, export: bool) -> None:
        from model import export_onnx, load_model, tf  # model imports TensorFlow quietly and quickly

        self.model = load_model(model_dir)
        self.config = self.model.config
        if export:  # so that the next run starts with ONNX Runtime; a read-only model folder is fine
            try:
                export_onnx(self.model, model_dir)
            except (ImportError, OSError):
                pass
        bins, hidden = self.config.num_bins, self.config.hidden_size
        signature = [tf.TensorSpec((1, self.chunk_frames, bins), tf.float32),
                     [tf.TensorSpec((1, hidden), tf.float32)] * self.config.num_layers,
                     tf.TensorSpec((1, self.chunk_frames), tf.bool)]

        # One fixed chunk shape, so XLA compiles once (about 2x faster than plain graphs on CPU);
        # the last chunk is padded, and the `valid` mask keeps padding out of the GRU states.
        @tf.function(input_signature=signature, jit_compile=True)
        def vocals_mask(magnitude, states, valid):
            return self.model.inference_masks(magnitude, states, valid)

        self._tf_vocals_mask = vocals_mask

    def _run_tensorflow(self, chunk: np.ndarray, states: list) -> tuple[np.ndarray, list]:
        count = len(chunk)
        padded = np.zeros((1, self.chunk_frames, chunk.shape[1]), np.float32)
        padded[0, :count] = chunk
        valid = np.zeros((1, self.chunk_frames), bool)
        valid[0, :count] = True
        mask, states = self._tf_vocals_mask(padded, states, valid)
        return mask.numpy()[0, :count], [s.numpy() for s in states]

    def _run_onnx(self, chunk: np.ndarray, states: list) -> tuple[np.ndarray, list]:
        feeds = {"magnitude": chunk[:, None, :], "frames": np.array([len(chunk)], np.int32)}
        feeds.update({f"state_{i}": state.reshape(1, 1, -1) for i, state in enumerate(states)})
        mask, *states = self._session.run(None, feeds)
        return mask[:, 0], [state.reshape(1, -1) for state in states]

    def initial_states(self, batch: int = 1) -> list[np.ndarray]:
        return [np.zeros((batch, self.config.hidden_size), np.float32) for _ in range(self.config.num_layers)]

    def vocals_mask(self, magnitude: np.ndarray, states: list | None = None) -> tuple[np.ndarray, list]:
        """(frames, bins) 16 kHz magnitudes -> the vocals mask of each step (frames, bins) and the GRU
        states after the last frame; the network hears the magnitudes times the input gain. Runs in
        chunks of `chunk_frames` that carry the states, so memory stays bounded. With a model's
        `lookahead` d, step t's mask is that of frame t - d (the stream pairs them)."""
        states = self.initial_states() if states is None else states
        masks = []
        for start in range(0, len(magnitude), self.chunk_frames):
            chunk = np.ascontiguousarray(magnitude[start:start + self.chunk_frames], np.float32)
            if self._input_gain != 1:
                chunk = chunk * self._input_gain  # a new array: `magnitude` may be the caller's
            mask, states = self._run(chunk, states)
            masks.append(mask)
        if not masks:
            return np.zeros((0, self.config.num_bins), np.float32), states
        return post_filter(np.concatenate(masks), self.mask_power), states


ENSEMBLE_SHARED = ("sample_rate", "n_fft", "hop_length", "lookahead")  # the STFT grid and frame pairing


class Ensemble(_MaskSeparator):
    """Several trained models as one separator: each hears the input (at its own input gain) and
    the vocals mask is the mean of theirs, post-filtered once. The models must share the STFT and
    lookahead; their sizes, features and training may differ. Costs one model's time per member."""

    def __init__(self, model_dirs: list, chunk_frames: int = CHUNK_FRAMES, mask_power: float = 1.0,
                 backend: str = "auto", threads: int = 1, input_gain_db: float | None = None):
        _check_mask_power(mask_power)
        if len(model_dirs) < 2:
            raise SvsError("an ensemble needs at least two model folders")
        self.members = [Separator(d, chunk_frames, 1.0, backend, threads, input_gain_db) for d in model_dirs]
        first = self.members[0].config
        for model_dir, member in zip(model_dirs[1:], self.members[1:]):
            differ = [f"{k} {getattr(member.config, k)}" for k in ENSEMBLE_SHARED
                      if getattr(member.config, k) != getattr(first, k)]
            if differ:
                raise SvsError(f"{model_dir} cannot be averaged with {model_dirs[0]}: its {', '.join(differ)} "
                               f"(against {', '.join(str(getattr(first, k)) for k in ENSEMBLE_SHARED)})")
        self.config, self.chunk_frames, self.mask_power = first, chunk_frames, mask_power
        self.backend = "+".join(member.backend for member in self.members)
        self.input_gain_db = [member.input_gain_db for member in self.members]

    def vocals_mask(self, magnitude: np.ndarray, states: list | None = None) -> tuple[np.ndarray, list]:
        """As Separator.vocals_mask; `states` holds each member's GRU states."""
        states = states or [None] * len(self.members)
        results = [member.vocals_mask(magnitude, s) for member, s in zip(self.members, states)]
        mask = np.mean([mask for mask, _ in results], axis=0, dtype=np.float32)
        return post_filter(mask, self.mask_power), [member_states for _, member_states in results]


def _bin_warp(num_bins: int, factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation that reads bin k of a spectrum at position k * factor: (low, high,
    weight) index arrays and `inside`, the bins whose position lies within the spectrum."""
    position = np.arange(num_bins) * factor
    inside = position <= num_bins - 1 + 1e-6
    position = np.minimum(position, num_bins - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, num_bins - 1)
    return low, high, (position - low).astype(np.float32), inside


def _read_at(spectra: np.ndarray, warp: tuple) -> np.ndarray:
    """(frames, bins) read at a `_bin_warp`'s positions; zero where they lie beyond the top."""
    low, high, weight, inside = warp
    return ((1 - weight) * spectra[:, low] + weight * spectra[:, high]) * inside


class PitchViews(_MaskSeparator):
    """Test-time augmentation: the separator hears the mixture as it is and also with its spectrum
    moved up or down by each of `semitones` (every frequency times 2^(s/12), as resampling would,
    tempo kept). Each view's vocals mask is moved back onto the original bins, and the mask is
    their mean, bin by bin over the views that cover the bin (a view moved up loses the top of
    the spectrum), post-filtered once. Costs one separation per view."""

    def __init__(self, inner: _MaskSeparator, semitones, mask_power: float = 1.0):
        _check_mask_power(mask_power)
        self.inner, self.mask_power = inner, mask_power
        self.config, self.chunk_frames = inner.config, inner.chunk_frames
        self.backend, self.input_gain_db = inner.backend, inner.input_gain_db
        self.semitones = sorted({0.0, *map(float, semitones)})
        bins = self.config.num_bins
        # view s: bin k hears the mixture's bin k / r (silence above the top), its mask goes back to bin k * r;
        # the plain view (s = 0) is neither moved nor moved back
        self.views = [(_bin_warp(bins, 2 ** (-s / 12)), _bin_warp(bins, 2 ** (s / 12))) if s else (None, None)
                      for s in self.semitones]

    def vocals_mask(self, magnitude: np.ndarray, states: list | None = None) -> tuple[np.ndarray, list]:
        """As Separator.vocals_mask; `states` holds each view's GRU states."""
        states = states or [None] * len(self.views)
        total = np.zeros(magnitude.shape, np.float32)
        count = np.zeros(self.config.num_bins, np.float32)
        new_states = []
        for (forward, back), view_states in zip(self.views, states):
            view = magnitude if forward is None else _read_at(magnitude, forward)
            mask, view_states = self.inner.vocals_mask(view, view_states)
            new_states.append(view_states)
            total += mask if back is None else _read_at(mask, back)
            count += 1 if back is None else back[3]
        return post_filter(total / count, self.mask_power), new_states


def add_mask_arguments(parser) -> None:
    """main.py's and evaluate.py's --mask-power and --pitch-views (None: the model's own)."""
    parser.add_argument("--mask-power", type=finite_float,
                        help="Wiener-style post-filter exponent of the vocals mask (2 = Wiener; 1 = off; "
                             "default: the model's mask_power, 1.5 for the shipped model)")
    parser.add_argument("--pitch-views", type=finite_float, nargs="*", metavar="SEMITONES",
                        help="test-time augmentation: also separate the input with its spectrum moved by "
                             "these semitones and average the vocals masks, one model's time per view "
                             "(default: the model's view_shift, -2 and +2 for the shipped model; "
                             "--pitch-views alone: none)")
    parser.add_argument("--repet-weight", type=finite_float, metavar="W",
                        help="repetition prior: cut the vocals with W of REPET-SIM's mask mixed into the "
                             "network's (what repeats in a song is accompaniment), and the accompaniment with "
                             "the network's own, so the stems no longer add up to the input exactly; 0 is off "
                             "(default: the model's repet_weight, 0.35 for the shipped model)")


def load_separator(model_dirs, pitch_views=None, mask_power: float | None = None, repet_weight: float | None = None,
                   **options) -> _MaskSeparator:
    """What main.py and evaluate.py separate with: a Separator for one model folder, an Ensemble
    for several (a path or a list of paths; a folder trained with `members` N counts as its N
    models), wrapped in PitchViews when there are views and in a repetition.RepetitionPrior
    when `repet_weight` is above 0. `pitch_views` (semitones; empty or zeros: none), `mask_power`
    and `repet_weight` default to the (first) model's `view_shift` (views at -+ that),
    `mask_power` and `repet_weight`."""
    from config import load_config, member_dirs

    dirs = [model_dirs] if isinstance(model_dirs, (str, os.PathLike)) else list(model_dirs)
    if not dirs:
        raise SvsError("no model folder given")
    dirs = [member for model_dir in dirs for member in member_dirs(model_dir)]
    config = load_config(dirs[0])
    if pitch_views is None:
        pitch_views = (-config.view_shift, config.view_shift)
    pitch_views = tuple(float(s) for s in pitch_views if s)
    mask_power = config.mask_power if mask_power is None else mask_power
    _check_mask_power(mask_power)
    repet_weight = config.repet_weight if repet_weight is None else repet_weight
    if not 0 <= repet_weight <= 1:
        raise SvsError(f"the repetition prior's weight is from 0 (off) to 1, got {repet_weight}")
    # post-filtered once, after the views' mean and the prior's mixing
    outer_power = 1.0 if repet_weight else mask_power
    inner_power = 1.0 if pitch_views else outer_power
    if len(dirs) == 1:
        separator = Separator(dirs[0], mask_power=inner_power, **options)
    else:
        separator = Ensemble(dirs, mask_power=inner_power, **options)
    if pitch_views:
        separator = PitchViews(separator, pitch_views, outer_power)
    if repet_weight:
        from repetition import RepetitionPrior
        separator = RepetitionPrior(separator, repet_weight, mask_power)
    return separator


def _onnx_session(model_dir: str | os.PathLike, required: bool, threads: int = 1):
    """An ONNX Runtime session on model_dir/model.onnx, or None (or an error, if `required`) when
    there is no such file, no onnxruntime, or the file was exported from other weights."""
    from config import ONNX_FILE, model_fingerprint

    def unavailable(reason: str):
        if required:
            raise SvsError(reason)
        return None

    path = Path(model_dir) / ONNX_FILE
    try:
        import onnxruntime
    except ImportError:
        return unavailable("the onnx backend needs onnxruntime: pip install -r requirements.txt")
    if not path.is_file():
        return unavailable(f"no {path}: run once with --backend auto to export it")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = max(1, threads), 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads leave the core
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # a damaged file: TensorFlow can still run the weights
        return unavailable(f"{path} cannot be loaded: {error}")
    if session.get_modelmeta().custom_metadata_map.get("fingerprint") != model_fingerprint(model_dir):
        return unavailable(f"{path} was exported from other weights than {model_dir}'s: "
                           f"run once with --backend auto to export it again")
    return session


def _hann(n_fft: int) -> np.ndarray:
    """The periodic Hann window of librosa's STFT (scipy.signal.get_window("hann", n_fft)), without
    importing scipy.signal, which costs about a second of start-up."""
    return np.hanning(n_fft + 1)[:-1].astype(np.float32)


def _downmix(block: np.ndarray) -> np.ndarray:
    """(channels, samples) -> (samples,) mean of the channels: block.mean(axis=0), which is slow
    on the channel-interleaved blocks that audio files decode into (a reduction over a short,
    strided axis); adding whole rows is not."""
    out = block[0].copy()
    for channel in block[1:]:
        out += channel
    out /= block.shape[0]
    return out


def _take(buffer: np.ndarray, start: int, a: int, b: int) -> np.ndarray:
    """Samples [a, b) of a buffer whose first sample has global index `start`; zeros outside it."""
    out = np.zeros(buffer.shape[:-1] + (b - a,), np.float32)
    lo, hi = max(a, start), min(b, start + buffer.shape[-1])
    if hi > lo:
        out[..., lo - a:hi - a] = buffer[..., lo - start:hi - start]
    return out


def _frames_stft(signal: np.ndarray, window: np.ndarray, hop: int) -> np.ndarray:
    """Uncentred STFT of (..., samples) float32 -> (..., frames, bins) complex64, as
    librosa.stft(center=False) computes it (transposed), without librosa's numba start-up cost."""
    import scipy.fft

    frames = np.lib.stride_tricks.sliding_window_view(signal, len(window), axis=-1)[..., ::hop, :]
    return scipy.fft.rfft(frames * window, axis=-1, workers=-1)


def _overlap_add(frames: np.ndarray, hop: int) -> np.ndarray:
    """(..., count, n_fft) frames with n_fft a multiple of hop -> (..., (count - 1) * hop + n_fft) signal."""
    count, n_fft = frames.shape[-2], frames.shape[-1]
    out = np.zeros(frames.shape[:-2] + ((count - 1) * hop + n_fft,), np.float32)
    for q in range(n_fft // hop):
        out[..., q * hop:q * hop + count * hop] += frames[..., q * hop:(q + 1) * hop].reshape(frames.shape[:-2] + (-1,))
    return out


def _window_sum(window: np.ndarray, hop: int, frames: int, a: int, b: int) -> np.ndarray:
    """librosa's istft normaliser on samples [a, b): the sum of the squared windows of the centred
    frames 0 .. frames - 1 (frame k covers samples k * hop - n_fft // 2 onwards) over each sample.
    Where every overlapping frame exists it is periodic in the hop; only the two ends differ."""
    n_fft = len(window)
    squared = window.astype(np.float32) ** 2
    periodic = squared.reshape(-1, hop).sum(axis=0)  # by position within the hop
    phase = (a + n_fft // 2) % hop
    total = np.tile(np.roll(periodic, -phase), (b - a) // hop + 2)[:b - a]
    interior = (n_fft - hop - n_fft // 2, frames * hop - n_fft // 2)  # samples every frame there exists for
    for lo, hi in ((a, min(b, interior[0])), (max(a, interior[1]), b)):
        if hi <= lo:
            continue
        shifted = np.arange(lo, hi) + n_fft // 2
        edge = np.zeros(hi - lo, np.float32)
        for q in range(n_fft // hop):
            k = shifted // hop - q  # the frame whose window index there is shifted % hop + q * hop
            edge += np.where((k >= 0) & (k < frames), squared[shifted % hop + q * hop], 0.0)
        total[lo - a:hi - a] = edge
    return total


class SeparationStream:
    """Separates audio pushed in blocks of any size, with the same result as one piece.

    The model runs on 16 kHz mono (resampled by a streaming soxr resampler); its GRU states
    carry from block to block. Each input channel gets its own centred STFT at the input rate
    (hop of about the same 16 ms, n_fft = 4 hops), masked with the model's vocals mask mapped
    onto that grid by linear interpolation in seconds and hertz. Above 8 kHz, where the model
    sees nothing, a frame's mask is the mean of its 4-8 kHz band. The accompaniment is the
    input minus the vocals, so the stems add back to the input, unless the separator cuts the
    two stems with two masks (`stem_mask_count` 2: the accompaniment is then the input minus
    what the second mask cuts).
    """

    def __init__(self, separator: Separator, sample_rate: int, channels: int):
        import scipy.fft
        import soxr

        config = separator.config
        if sample_rate < 1000:
            raise SvsError(f"sample rate {sample_rate} Hz is too low to separate")
        self.separator, self.rate, self.channels = separator, sample_rate, channels
        self.hop16, self.n_fft16 = config.hop_length, config.n_fft
        self.rate16 = config.sample_rate
        if sample_rate == config.sample_rate:
            self.hop, self.n_fft = config.hop_length, config.n_fft
        else:  # about the same 16 ms hop, rounded to a length the FFT is fast at
            self.hop = scipy.fft.next_fast_len(max(1, round(config.hop_length * sample_rate / config.sample_rate)))
            self.n_fft = (config.n_fft // config.hop_length) * self.hop
        self.window, self.window16 = _hann(self.n_fft), _hann(self.n_fft16)
        self.resampler = None if sample_rate == self.rate16 else soxr.ResampleStream(
            sample_rate, self.rate16, 1, dtype="float32", quality="HQ")
        # 16 kHz mono in and out (the seed's mode): the model's STFT is the output STFT, reused
        self.same_grid = self.resampler is None and channels == 1 and self.hop == self.hop16
        # mask interpolation in frequency, fixed for the stream
        model_freqs = np.arange(config.num_bins) * self.rate16 / self.n_fft16
        freqs = np.arange(self.n_fft // 2 + 1) * sample_rate / self.n_fft
        self.below = freqs <= self.rate16 / 2
        index = np.interp(freqs[self.below], model_freqs, np.arange(config.num_bins))
        self.freq_low = np.floor(index).astype(int)
        self.freq_high = np.minimum(self.freq_low + 1, config.num_bins - 1)
        self.freq_weight = (index - self.freq_low).astype(np.float32)
        self.top_band = model_freqs >= TOP_BAND_HZ
        # buffers, each with the global index of its first element
        self.native, self.native_start, self.native_total = np.zeros((channels, 0), np.float32), 0, 0
        self.mono16, self.mono16_start, self.mono16_total = np.zeros(0, np.float32), 0, 0
        self.pending = np.zeros((0, config.num_bins), np.complex64)  # 16 kHz STFT frames not yet masked
        self.stft16 = 0  # 16 kHz frames whose STFT is done (in `pending` or masked)
        count = separator.stem_mask_count  # masks per frame: the vocals'; the accompaniment's complement
        self.masks, self.masks_start, self.frames16 = np.zeros((count, 0, config.num_bins), np.float32), 0, 0
        # a model with lookahead d outputs frame t's mask at step t + d: the first d outputs belong
        # to no frame, and d frames of silence after the end bring out the last masks
        self.lookahead = self.unpaired = config.lookahead
        self.fed = np.zeros((0, config.num_bins), np.complex64)  # frames given to the GRU, mask still to come
        # overlap-add of the windowed vocals frames cut by each mask, one row per channel
        self.ola, self.ola_start = np.zeros((count, channels, 0), np.float32), 0
        self.states = None
        self.frames = 0   # input-rate frames done
        self.emitted = 0  # samples returned so far

    def feed(self, block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Push (channels, samples); returns the (vocals, accompaniment, mixture) samples now final."""
        block = np.asarray(block, np.float32)
        if block.ndim != 2 or block.shape[0] != self.channels:
            raise SvsError(f"expected blocks of shape ({self.channels}, samples), got {block.shape}")
        if not np.all(np.isfinite(block)):
            raise SvsError("audio contains NaN or infinite samples")
        self.native = np.concatenate([self.native, block], axis=1)
        self.native_total += block.shape[1]
        mono = _downmix(block)
        if self.resampler is not None:
            mono = self.resampler.resample_chunk(mono, last=False)
        self._add16(mono)
        return self._advance(final=False)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """End of input: returns the remaining samples."""
        if self.native_total < self.n_fft:
            raise SvsError(f"audio is shorter than one STFT frame ({self.native_total} samples at {self.rate} Hz)")
        if self.resampler is not None:
            self._add16(self.resampler.resample_chunk(np.zeros(0, np.float32), last=True))
        return self._advance(final=True)

    def _add16(self, mono: np.ndarray) -> None:
        self.mono16 = np.concatenate([self.mono16, mono.astype(np.float32)])
        self.mono16_total += len(mono)

    def _complete_frames(self, total: int, hop: int, n_fft: int, final: bool) -> int:
        """How many centred frames are computable from `total` samples (all of them at the end)."""
        if final:
            return 1 + total // hop
        return max(0, (total - n_fft // 2) // hop + 1)

    def _advance(self, final: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        import scipy.fft

        # 1. the 16 kHz STFT of every frame now complete; the model's masks, carrying the GRU
        #    states, once whole chunks of frames are waiting (so no chunk is mostly padding)
        reuse = None
        last16 = self._complete_frames(self.mono16_total, self.hop16, self.n_fft16, final)
        if last16 > self.stft16:
            a = self.stft16 * self.hop16 - self.n_fft16 // 2
            b = (last16 - 1) * self.hop16 + self.n_fft16 // 2
            segment = _take(self.mono16, self.mono16_start, a, b)
            self.pending = np.concatenate([self.pending, _frames_stft(segment, self.window16, self.hop16)])
            self.stft16 = last16
            keep = last16 * self.hop16 - self.n_fft16 // 2
            if keep > self.mono16_start:
                self.mono16 = self.mono16[keep - self.mono16_start:]
                self.mono16_start = keep
        chunk = self.separator.chunk_frames
        ready = len(self.pending) if final else len(self.pending) // chunk * chunk
        if ready or (final and self.lookahead):
            spectrum, self.pending = self.pending[:ready], self.pending[ready:]  # (frames, bins)
            magnitude = np.abs(spectrum)
            if final and self.lookahead:
                magnitude = np.concatenate([magnitude, np.zeros((self.lookahead, magnitude.shape[1]), np.float32)])
            mask, self.states = self.separator.stem_masks(magnitude, self.states)  # (masks, steps, bins)
            skip = min(self.unpaired, mask.shape[1])
            mask, self.unpaired = mask[:, skip:], self.unpaired - skip
            count = mask.shape[1]
            spectrum = np.concatenate([self.fed, spectrum]) if self.lookahead else spectrum
            spectrum, self.fed = spectrum[:count], spectrum[count:]  # the frames these masks are of
            if self.same_grid and self.frames == self.frames16:
                reuse = (spectrum * mask)[:, None]  # (masks, 1, frames, bins), the frames step 2 does next
            self.masks = np.concatenate([self.masks, mask], axis=1)
            self.frames16 += count

        # 2. input-rate frames whose samples and (interpolated) masks are both available
        last = self._complete_frames(self.native_total, self.hop, self.n_fft, final)
        positions = np.arange(self.frames, last) * (self.hop / self.rate) * (self.rate16 / self.hop16)
        if not final:
            last = self.frames + int(np.sum(np.ceil(positions) <= self.frames16 - 1))
            positions = positions[:last - self.frames]
        if last > self.frames:
            a = self.frames * self.hop - self.n_fft // 2
            b = (last - 1) * self.hop + self.n_fft // 2
            if reuse is not None and reuse.shape[2] == last - self.frames:  # the same frames, already masked
                spectrum = reuse
            else:
                segment = _take(self.native, self.native_start, a, b)
                spectrum = _frames_stft(segment, self.window, self.hop)  # (channels, frames, bins)
                mask = self._mask_at(np.minimum(positions, self.frames16 - 1))  # (masks, frames, bins)
                if len(mask) == 1:
                    spectrum *= mask  # (1, channels, frames, bins) by broadcasting, in place
                    spectrum = spectrum[None]
                else:
                    spectrum = spectrum * mask[:, None]
            frames = scipy.fft.irfft(spectrum, n=self.n_fft, axis=-1, workers=-1)  # (masks, channels, frames, n_fft)
            frames *= self.window
            self._accumulate(_overlap_add(frames, self.hop), a)
            self.frames = last
            keep = min(int(np.floor(positions[-1])), self.frames16 - 1)
            if keep > self.masks_start:
                self.masks = self.masks[:, keep - self.masks_start:]
                self.masks_start = keep

        # 3. samples no later frame touches are final
        done = self.native_total if final else max(0, self.frames * self.hop - self.n_fft // 2)
        return self._emit(done)

    def _mask_at(self, positions: np.ndarray) -> np.ndarray:
        """The masks at fractional 16 kHz frame `positions`, on this stream's frequency grid:
        (masks, frames, bins)."""
        local = positions - self.masks_start
        low = np.floor(local).astype(int)
        high = np.minimum(low + 1, self.masks.shape[1] - 1)
        weight = (local - low).astype(np.float32)[:, None]
        in_time = (1 - weight) * self.masks[:, low] + weight * self.masks[:, high]  # (masks, frames, bins16)
        result = np.empty((len(self.masks), len(positions), len(self.below)), np.float32)
        result[..., self.below] = ((1 - self.freq_weight) * in_time[..., self.freq_low]
                                   + self.freq_weight * in_time[..., self.freq_high])
        result[..., ~self.below] = in_time[..., self.top_band].mean(axis=-1, keepdims=True)
        return result

    def _accumulate(self, signal: np.ndarray, start: int) -> None:
        end = start + signal.shape[-1]
        if end > self.ola_start + self.ola.shape[-1]:
            grow = end - (self.ola_start + self.ola.shape[-1])
            self.ola = np.concatenate([self.ola, np.zeros(self.ola.shape[:-1] + (grow,), np.float32)], axis=-1)
        lo = max(start, self.ola_start)
        self.ola[..., lo - self.ola_start:end - self.ola_start] += signal[..., lo - start:]

    def _emit(self, done: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = self.emitted, done
        if b <= a:
            empty = np.zeros((self.channels, 0), np.float32)
            return empty, empty, empty
        summed = _take(self.ola, self.ola_start, a, b)  # (masks, channels, samples)
        norm = _window_sum(self.window, self.hop, self.frames, a, b)
        cut = np.divide(summed, norm, out=summed, where=norm > np.finfo(np.float32).tiny)
        mixture = _take(self.native, self.native_start, a, b)
        vocals, accompaniment = cut[0], mixture - cut[-1]
        self.emitted = b
        # drop what no later step needs
        keep = min(b, self.frames * self.hop - self.n_fft // 2)
        if keep > self.native_start:
            self.native = self.native[:, keep - self.native_start:]
            self.native_start = keep
        if b > self.ola_start:
            self.ola = self.ola[..., b - self.ola_start:]
            self.ola_start = b
        return vocals, accompaniment, mixture


AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".opus", ".wma")
FORMATS = {"wav": ("WAV", "FLOAT"), "flac": ("FLAC", "PCM_24"), "ogg": ("OGG", "VORBIS"),
           "mp3": ("MP3", "MPEG_LAYER_III")}
STEM_LABELS = {  # what each output is called in {stem}
    "seed": {"mixture": "mono", "accompaniment": "src1", "vocals": "src2"},
    "names": {"mixture": "mixture", "accompaniment": "accompaniment", "vocals": "vocals"},
}


def collect_inputs(inputs: list[str | os.PathLike], extensions: tuple[str, ...] = AUDIO_EXTENSIONS) -> list[Path]:
    """Files as given, and every audio file (by extension) inside each folder, sorted."""
    files: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            files.extend(sorted(p for p in item.iterdir() if p.suffix.lower() in extensions))
        else:
            files.append(item)
    return files


def output_paths(files: list[Path], output_dir: Path, template: str = "{name}_{stem}", fmt: str = "wav",
                 labels: str = "seed") -> dict[Path, dict[str, Path]]:
    """Where each input's stems go. Two inputs writing one path, or an output that is an
    input, is an error before any work is done."""
    if fmt not in FORMATS:
        raise SvsError(f"unknown output format {fmt!r}: choose from {sorted(FORMATS)}")
    plan: dict[Path, dict[str, Path]] = {}
    owner: dict[Path, Path] = {}
    inputs = {f.resolve() for f in files}
    for f in files:
        stems = {}
        for stem, label in STEM_LABELS[labels].items():
            try:
                relative = template.format(name=f.stem, stem=label)
            except (KeyError, IndexError) as error:
                raise SvsError(f"bad output template {template!r}: only {{name}} and {{stem}} exist ({error})")
            path = output_dir / f"{relative}.{fmt}"
            resolved = path.resolve()
            if resolved in inputs:
                raise SvsError(f"output {path} would overwrite an input: choose another --output-dir or template")
            if resolved in owner:
                raise SvsError(f"{owner[resolved]} and {f} would both write {path}: "
                               f"rename one or use a template with more of the name")
            owner[resolved] = f
            stems[stem] = path
        plan[f] = stems
    return plan


def _read_blocks(path: Path, block_seconds: float):
    """(sample_rate, channels, frames or None, iterator of (channels, samples) float32 blocks).
    libsndfile formats stream; others (M4A/AAC through audioread) are decoded whole."""
    import soundfile as sf

    from preprocess import load_audio

    if not path.is_file():
        raise SvsError(f"{path}: not a file")
    try:
        handle = sf.SoundFile(path)
    except Exception:
        waveform, rate = load_audio(path, sample_rate=None, mono=False)
        return rate, waveform.shape[0], waveform.shape[1], iter([waveform])
    if handle.frames == 0:
        handle.close()
        raise SvsError(f"{path}: no audio samples")

    def blocks():
        with handle:
            size = max(1, int(block_seconds * handle.samplerate))
            while True:
                block = handle.read(size, dtype="float32", always_2d=True)
                if not len(block):
                    return
                yield block.T

    return handle.samplerate, handle.channels, handle.frames, blocks()


def _prefetch(iterator, depth: int = 2):
    """Run `iterator` in a thread, `depth` items ahead: decoding overlaps the model's work."""
    import queue
    import threading

    items: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def worker():
        try:
            for item in iterator:
                if stop.is_set():
                    return
                items.put(item)
            items.put(done)
        except BaseException as error:  # handed to the consumer, raised there
            items.put(error)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a worker waiting on a full queue
            try:
                items.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def reuse_freed_memory() -> None:
    """Ask glibc's malloc to keep freed blocks of up to 32 MiB for reuse instead of handing them
    back to the kernel: the stream's per-block arrays are then recycled rather than page-faulted
    in afresh each time, which saves CPU time on every block. No-op off glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
    mallopt(m_mmap_threshold, 32 * 2**20)
    mallopt(m_trim_threshold, 512 * 2**20)


class Interrupted(KeyboardInterrupt):
    """separate_files stopped by Ctrl-C or `kill`: `done` of `total` inputs were written."""

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} files")
        self.done, self.total = done, total


def separate_file(separator: Separator, path: Path, outputs: dict[str, Path], fmt: str = "wav",
                  sample_rate: int | None = None, mono: bool = False, block_seconds: float = 10.0,
                  progress=None, stop=None) -> None:
    """Stream one file through the separator into its stem files, in bounded memory.
    Outputs are written under temporary names and renamed only when all are complete. Once the
    event `stop` is set, the next block raises KeyboardInterrupt and the temporary files go."""
    import soundfile as sf
    import soxr

    rate, channels, frames, blocks = _read_blocks(path, block_seconds)
    out_rate, out_channels = sample_rate or rate, 1 if mono else channels
    resampler = None if out_rate == rate else soxr.ResampleStream(rate, out_rate, out_channels, dtype="float32",
                                                                  quality="HQ")
    stream = SeparationStream(separator, out_rate, out_channels)
    container, subtype = FORMATS[fmt]
    temporary = {stem: out.with_name(f".{out.name}.part") for stem, out in outputs.items()}
    writers = {}
    try:
        for stem, tmp in temporary.items():
            tmp.parent.mkdir(parents=True, exist_ok=True)
            writers[stem] = sf.SoundFile(tmp, "w", out_rate, out_channels, format=container, subtype=subtype)

        def write(separated):
            vocals, accompaniment, mixture = separated
            writers["mixture"].write(mixture.T)
            writers["vocals"].write(vocals.T)
            writers["accompaniment"].write(accompaniment.T)

        read = 0
        for block in _prefetch(blocks):
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
            read += block.shape[1]
            if mono:
                block = _downmix(block)[None]
            if resampler is not None:
                block = resampler.resample_chunk(block.T, last=False).T
            write(stream.feed(block))
            if progress is not None and frames:
                progress(min(read / frames, 1.0))
        if frames and read < frames:
            raise SvsError(f"{path}: truncated, the header promises {frames} samples but only {read} could be read")
        if resampler is not None:
            write(stream.feed(resampler.resample_chunk(np.zeros((0, out_channels), np.float32), last=True).T))
        write(stream.finish())
        for writer in writers.values():
            writer.close()
        for stem, tmp in temporary.items():
            os.replace(tmp, outputs[stem])
    except BaseException as error:
        folder = next(iter(temporary.values())).parent
        full = isinstance(error, Exception) and _disk_full(folder)  # before the .part files free their space
        for writer in writers.values():
            try:
                writer.close()
            except Exception:  # flushing onto a full disk fails again; the file goes below anyway
                pass
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        if full:
            raise SvsError(f"{path}: no space left in {folder} ({type(error).__name__}: {error}); free some "
                           "space or pass --output-dir on another disk") from None
        raise


def _disk_full(folder: Path, margin: int = 2**20) -> bool:
    """Whether the disk holding `folder` has less than `margin` bytes free (libsndfile reports a full
    disk only as "System error")."""
    import shutil

    try:
        return shutil.disk_usage(folder).free < margin
    except OSError:
        return False


def separate_files(separator: Separator, plan: dict[Path, dict[str, Path]], fmt: str = "wav",
                   sample_rate: int | None = None, mono: bool = False, skip_existing: bool = False,
                   quiet: bool = False, jobs: int = 1) -> list[tuple[Path, str]]:
    """Separate every input of `plan` into its stem files; returns (file, reason) of the failures.
    One bad file is reported and skipped, the others go on. `jobs` files are separated at once
    in threads (TensorFlow, FFTs and decoding release the GIL), which keeps both cores busy.
    A KeyboardInterrupt stops the files in progress within a block, leaving none of their outputs,
    starts no more, and raises Interrupted."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import progressbar

    failures: list[tuple[Path, str]] = []
    written: list[Path] = []
    items = [(path, stems) for path, stems in plan.items()
             if not (skip_existing and all(p.exists() for p in stems.values()))]
    if not quiet and len(items) < len(plan):
        print(f"{len(plan) - len(items)} of {len(plan)} inputs already separated, skipped")
    widgets = [progressbar.Variable("file", format="{formatted_value}", width=3), " ", progressbar.Percentage(),
               " ", progressbar.Bar(), " ", progressbar.ETA()]
    bar = progressbar.ProgressBar(max_value=len(items), widgets=widgets,
                                  redirect_stdout=True) if not quiet and items else None
    lock = threading.Lock()
    fraction = {}  # file -> fraction done, for the bar

    def report(path: Path, done: float, label: str) -> None:
        if bar is not None:
            with lock:
                fraction[path] = done
                bar.update(min(sum(fraction.values()), len(items)), file=label)

    stop = threading.Event()

    def one(index: int, path: Path, stems: dict[str, Path]) -> None:
        label = f"{index + 1}/{len(items)} {path.name}"
        try:
            separate_file(separator, path, stems, fmt, sample_rate, mono,
                          progress=lambda f: report(path, f, label), stop=stop)
            written.append(path)
            message = None if quiet else f"{path} -> {', '.join(str(p) for p in stems.values())}"
        except SvsError as error:
            reason = str(error).removeprefix(f"{path}: ")
            failures.append((path, reason))
            message = f"error: {path}: {reason}"
        except Exception as error:  # a damaged file must not stop the batch
            failures.append((path, f"{type(error).__name__}: {error}"))
            message = f"error: {path}: {type(error).__name__}: {error}"
        with lock:
            if message:
                print(message)
        report(path, 1.0, label)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = []
        try:
            for i, (path, stems) in enumerate(items):
                futures.append(pool.submit(one, i, path, stems))
            for future in futures:
                future.result()
        except KeyboardInterrupt:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise Interrupted(len(written), len(items)) from None
    if bar is not None:
        bar.finish()
    return sorted(failures)

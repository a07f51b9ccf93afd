"""Separation with a trained model: an array API and a file layer on top of it (as Spleeter).

    from separator import Separator
    stems = Separator("model").separate(waveform, sample_rate)   # {"vocals": ..., "accompaniment": ...}

The model works on 16 kHz mono magnitudes. Its masks are mapped onto the STFT of each
input channel at the input's own rate (linear interpolation in time and frequency), so
the stems keep the input's rate and channels and always add back to the input. Above
8 kHz, where the model sees nothing, each frame uses the mean mask of its 4-8 kHz band.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from model import load_model
from preprocess import istft, stft
from utils import SvsError

STEMS = ("vocals", "accompaniment")
TOP_BAND_HZ = 4000.0  # masks above the model's 8 kHz Nyquist copy the mean of 4 kHz..8 kHz


class Separator:
    """Holds a loaded model; `separate` is the array API, `masks` the model-only step."""

    def __init__(self, model_dir: str | os.PathLike = "model", chunk_frames: int = 4096):
        import tensorflow as tf

        self.model = load_model(model_dir)
        self.config = self.model.config
        self.chunk_frames = chunk_frames
        bins, hidden = self.config.num_bins, self.config.hidden_size
        signature = [tf.TensorSpec((None, None, bins), tf.float32),
                     [tf.TensorSpec((None, hidden), tf.float32)] * self.config.num_layers]

        @tf.function(input_signature=signature)
        def vocals_mask(magnitude, states):
            _, mask, new_states = self.model.masks(magnitude, states)
            return mask, new_states

        self._vocals_mask = vocals_mask

    def initial_states(self, batch: int = 1) -> list[np.ndarray]:
        return [np.zeros((batch, self.config.hidden_size), np.float32) for _ in range(self.config.num_layers)]

    def vocals_mask(self, magnitude: np.ndarray, states: list | None = None) -> tuple[np.ndarray, list]:
        """(frames, bins) 16 kHz magnitudes -> vocals mask (frames, bins) and the GRU states after
        the last frame. Runs in chunks of `chunk_frames` that carry the states, so memory stays bounded."""
        states = self.initial_states() if states is None else states
        masks = []
        for start in range(0, len(magnitude), self.chunk_frames):
            chunk = magnitude[None, start:start + self.chunk_frames].astype(np.float32)
            mask, states = self._vocals_mask(chunk, states)
            masks.append(mask.numpy()[0])
        if not masks:
            return np.zeros((0, self.config.num_bins), np.float32), states
        return np.concatenate(masks), states

    def separate(self, waveform: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
        """(samples,) or (channels, samples) at any rate -> {"vocals", "accompaniment"}, each the
        input's shape and rate; vocals + accompaniment == waveform up to float rounding."""
        import librosa

        config = self.config
        waveform = np.asarray(waveform, dtype=np.float32)
        if waveform.ndim not in (1, 2) or waveform.shape[-1] == 0:
            raise SvsError(f"expected (samples,) or (channels, samples) audio, got shape {waveform.shape}")
        if not np.all(np.isfinite(waveform)):
            raise SvsError("audio contains NaN or infinite samples")
        if waveform.shape[-1] < config.n_fft * sample_rate / config.sample_rate:
            raise SvsError(f"audio is shorter than one STFT frame "
                           f"({waveform.shape[-1]} samples at {sample_rate} Hz)")
        channels = np.atleast_2d(waveform)  # (channels, samples)
        mono = channels.mean(axis=0)
        if sample_rate != config.sample_rate:
            mono = librosa.resample(mono, orig_sr=sample_rate, target_sr=config.sample_rate, res_type="soxr_hq")
        mixture = stft(mono, config.n_fft, config.hop_length)  # (frames, bins)
        mask, _ = self.vocals_mask(np.abs(mixture))
        if sample_rate == config.sample_rate:
            spectrograms = [mixture] if waveform.ndim == 1 else [
                stft(c, config.n_fft, config.hop_length) for c in channels]
            hop_length, channel_mask = config.hop_length, mask
        else:
            hop_length = max(1, round(config.hop_length * sample_rate / config.sample_rate))
            n_fft = 2 * round(config.n_fft * sample_rate / config.sample_rate / 2)
            spectrograms = [stft(c, n_fft, hop_length) for c in channels]
            channel_mask = self.resample_mask(mask, len(spectrograms[0]), hop_length, n_fft, sample_rate)
        length = channels.shape[-1]
        vocals = np.stack([istft(channel_mask * s, hop_length, length) for s in spectrograms])
        accompaniment = channels - vocals  # the complementary mask, exactly
        if waveform.ndim == 1:
            vocals, accompaniment = vocals[0], accompaniment[0]
        return {"vocals": vocals.astype(np.float32), "accompaniment": accompaniment.astype(np.float32)}

    def resample_mask(self, mask: np.ndarray, frames: int, hop_length: int, n_fft: int,
                      sample_rate: int) -> np.ndarray:
        """Map a (frames16k, bins16k) mask onto another STFT grid by linear interpolation
        in seconds and hertz; bins above the model's Nyquist get the frame's 4-8 kHz mean."""
        config = self.config
        model_times = np.arange(len(mask)) * config.hop_length / config.sample_rate
        times = np.arange(frames) * hop_length / sample_rate
        index = np.interp(times, model_times, np.arange(len(mask)))
        low = np.floor(index).astype(int)
        high = np.minimum(low + 1, len(mask) - 1)
        weight = (index - low)[:, None]
        in_time = (1 - weight) * mask[low] + weight * mask[high]  # (frames, bins16k)
        model_freqs = np.arange(config.num_bins) * config.sample_rate / config.n_fft
        freqs = np.arange(n_fft // 2 + 1) * sample_rate / n_fft
        below = freqs <= config.sample_rate / 2
        index = np.interp(freqs[below], model_freqs, np.arange(config.num_bins))
        low = np.floor(index).astype(int)
        high = np.minimum(low + 1, config.num_bins - 1)
        weight = index - low
        result = np.empty((frames, len(freqs)), np.float32)
        result[:, below] = (1 - weight) * in_time[:, low] + weight * in_time[:, high]
        result[:, ~below] = in_time[:, model_freqs >= TOP_BAND_HZ].mean(axis=1, keepdims=True)
        return result


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


def write_audio(path: Path, audio: np.ndarray, sample_rate: int, fmt: str) -> None:
    """Write through a temporary name and rename, so no half-written file ever looks finished."""
    import soundfile as sf

    container, subtype = FORMATS[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    try:
        sf.write(tmp, np.asarray(audio).T, sample_rate, format=container, subtype=subtype)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def separate_files(separator: Separator, plan: dict[Path, dict[str, Path]], fmt: str = "wav",
                   sample_rate: int | None = None, mono: bool = False, skip_existing: bool = False,
                   quiet: bool = False) -> list[tuple[Path, str]]:
    """Separate every input of `plan` into its stem files; returns (file, reason) of the failures.
    One bad file is reported and skipped, the others go on."""
    import progressbar

    from preprocess import load_audio

    failures: list[tuple[Path, str]] = []
    items = list(plan.items())
    bar = progressbar.ProgressBar(max_value=len(items), prefix="separating ",
                                  redirect_stdout=True) if not quiet and items else None
    for done, (path, stems) in enumerate(items):
        if skip_existing and all(p.exists() for p in stems.values()):
            if not quiet:
                print(f"{path}: already separated, skipped")
        else:
            try:
                waveform, rate = load_audio(path, sample_rate=sample_rate, mono=mono)
                result = separator.separate(waveform, rate)
                result["mixture"] = waveform
                for stem, out in stems.items():
                    write_audio(out, result[stem], rate, fmt)
                if not quiet:
                    print(f"{path} -> {', '.join(str(p) for p in stems.values())}")
            except SvsError as error:
                reason = str(error).removeprefix(f"{path}: ")
                failures.append((path, reason))
                print(f"error: {path}: {reason}")
            except Exception as error:  # a damaged file must not stop the batch
                failures.append((path, f"{type(error).__name__}: {error}"))
                print(f"error: {path}: {type(error).__name__}: {error}")
        if bar is not None:
            bar.update(done + 1)
    if bar is not None:
        bar.finish()
    return failures

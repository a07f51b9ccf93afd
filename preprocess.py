"""Audio loading, MIR-1K mixing, STFT features and the training batch sampler."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import librosa
import numpy as np
import soundfile as sf

from config import MIXING_RULES, PITCH_FORMANTS, check_formant_follow
from utils import SvsError


def load_audio(path: str | os.PathLike, sample_rate: int | None = 16000, mono: bool = True
               ) -> tuple[np.ndarray, int]:
    """Read an audio file as float32, (samples,) when mono else (channels, samples).

    libsndfile reads WAV, FLAC, OGG and MP3; anything else (M4A, AAC, ...) goes through
    audioread, which decodes with ffmpeg or GStreamer where one is installed. `sample_rate=None`
    keeps the file's own rate.
    """
    path = Path(path)
    if not path.is_file():
        raise SvsError(f"{path}: not a file")
    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)  # (samples, channels)
        data = data.T
    except (sf.LibsndfileError, RuntimeError, TypeError):
        try:
            data, rate = _read_with_audioread(path)
        except Exception:  # audioread raises a zoo of types, none more telling than this
            raise SvsError(f"{path}: not a readable audio file (format not recognised or damaged; "
                           "M4A, AAC and the like need ffmpeg installed)") from None
    if data.shape[1] == 0:
        raise SvsError(f"{path}: no audio samples")
    if mono:
        data = data.mean(axis=0, keepdims=True)
    if sample_rate is not None and rate != sample_rate:
        data = librosa.resample(data, orig_sr=rate, target_sr=sample_rate, res_type="soxr_hq")
        rate = sample_rate
    return (data[0] if mono else data), rate


def _read_with_audioread(path: Path) -> tuple[np.ndarray, int]:
    """(channels, samples) float32 and the sample rate, decoded by audioread (librosa 1.0 no longer
    falls back to it, so it is called here)."""
    import audioread

    with audioread.audio_open(str(path)) as source:
        rate, channels = source.samplerate, source.channels
        pcm = b"".join(source)  # 16-bit signed little-endian samples, channels interleaved
    data = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768
    return data.reshape(-1, channels).T, rate


def load_mir1k_clip(path: str | os.PathLike, mixing: str = "sum", sample_rate: int = 16000
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A MIR-1K clip as (mixture, accompaniment, vocals), each (samples,).

    Left channel = accompaniment, right = vocals. `sum` mixes them as recorded (the seed);
    `0db` first scales the vocals to the accompaniment's energy (Huang et al. 2014).
    """
    stereo, _ = load_audio(path, sample_rate=sample_rate, mono=False)
    if stereo.shape[0] != 2:
        raise SvsError(f"{path}: a MIR-1K clip has 2 channels, this has {stereo.shape[0]}")
    accompaniment, vocals = stereo[0], stereo[1]
    if mixing == "0db":
        vocals = vocals * voice_gain_0db(accompaniment, vocals)
    elif mixing != "sum":
        raise SvsError(f"unknown mixing rule {mixing!r}: use one of {MIXING_RULES}")
    return accompaniment + vocals, accompaniment, vocals


def voice_gain_0db(accompaniment: np.ndarray, vocals: np.ndarray) -> float:
    """The gain that gives the vocals the accompaniment's energy (1 when either is silent)."""
    energy_vocals = float(np.sum(vocals.astype(np.float64) ** 2))
    energy_accompaniment = float(np.sum(accompaniment.astype(np.float64) ** 2))
    if energy_vocals == 0.0 or energy_accompaniment == 0.0:
        return 1.0
    return float(np.sqrt(energy_accompaniment / energy_vocals))


def stft(waveform: np.ndarray, n_fft: int = 1024, hop_length: int = 256) -> np.ndarray:
    """Complex spectrogram, time-major: (frames, n_fft // 2 + 1)."""
    return librosa.stft(waveform, n_fft=n_fft, hop_length=hop_length).T


def istft(spectrogram: np.ndarray, hop_length: int = 256, length: int | None = None) -> np.ndarray:
    """Inverse of `stft`: (frames, bins) complex -> (samples,)."""
    return librosa.istft(spectrogram.T, hop_length=hop_length, length=length)


def warp_formants(spectrogram: np.ndarray, factor: float, smoothing_hz: float = 125.0,
                  max_gain_db: float = 20.0, sample_rate: int = 16000) -> np.ndarray:
    """Moves each frame's spectral envelope up in frequency by `factor` (down below 1) and keeps
    its fine structure, so formants move and the pitch stays. (frames, bins) complex -> same.

    The envelope is the frame's power spectrum smoothed over frequency (a Gaussian of
    `smoothing_hz`, wider than the gaps between a voice's harmonics at all but its highest
    notes, so it follows their peaks); each bin k gets the gain sqrt(envelope(k / factor) /
    envelope(k)), at most +-`max_gain_db`, and keeps its phase.
    """
    from scipy.ndimage import gaussian_filter1d

    num_bins = spectrogram.shape[-1]
    sigma = smoothing_hz / (sample_rate / (2 * (num_bins - 1)))
    power = np.square(np.abs(spectrogram))
    envelope = np.log(gaussian_filter1d(power, sigma, axis=-1, mode="nearest") + np.float32(1e-12))
    source = np.clip(np.arange(num_bins) / factor, 0, num_bins - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, num_bins - 1)
    weight = (source - low).astype(np.float32)
    warped = (1 - weight) * envelope[..., low] + weight * envelope[..., high]
    limit = max_gain_db * np.log(10) / 20
    return (spectrogram * np.exp(np.clip((warped - envelope) / 2, -limit, limit))).astype(spectrogram.dtype)


def phase_sensitive_target(source: np.ndarray, mixture: np.ndarray) -> np.ndarray:
    """|S| cos(angle S - angle Y), truncated to [0, |Y|]: the part of source S in line with the
    mixture Y (Erdogan et al. 2015, "Phase-sensitive and recognition-boosted speech separation").
    A mask times |Y|, heard with the mixture's phase, is closest to S when it hits this, so
    training on it removes what the mixture's phase cannot carry. The targets of two sources
    that add up to Y add up to |Y|, truncated or not, so a pair of soft masks can hit both."""
    magnitude = np.abs(mixture)
    in_line = np.real(source * np.conj(mixture)) / np.maximum(magnitude, np.finfo(np.float32).tiny)
    return np.clip(in_line, 0.0, magnitude).astype(np.float32)


def _hidden_spans(batch_size: int, length: int, width: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """(batch_size, length) float32 ones with `count` random spans of 0 to `width` zeros in each row."""
    keep = np.ones((batch_size, length), np.float32)
    widths = rng.integers(0, width + 1, (batch_size, count))
    starts = rng.integers(0, length, (batch_size, count))
    positions = np.arange(length)
    for span in range(count):
        inside = (positions >= starts[:, span, None]) & (positions < starts[:, span, None] + widths[:, span, None])
        keep[inside] = 0.0
    return keep


@dataclass
class Augmentation:
    """Mixing augmentation for training (Huang et al.'s circular shift, generalised).

    remix_probability: chance that the accompaniment comes from another clip than the vocals;
    independent offsets of voice and accompaniment inside a clip play the circular shift;
    voice_gain_db: the voice-to-accompaniment level is moved by up to this many dB;
    level_db: (low, high) overall input level change, so the model meets quiet and loud songs;
    eq_db: voice and accompaniment each get a random smooth equaliser curve of up to +-this many
    dB (three cosines over log frequency), for other voices, instruments and recordings;
    formant_shift: the voice's spectral envelope is moved by up to +-this many semitones with its
    pitch kept (`warp_formants`), for vocal tracts other than the training singers'.
    frequency_mask: the network does not hear two random bands of up to this many bins of each
    window (SpecAugment's frequency masking, on its input only: `frequency_keep`);
    time_mask: nor two random spans of up to this many frames (SpecAugment's time masking:
    `time_keep`). The loss still covers every bin and frame, so the network learns to carry on
    from what it heard around them.
    reverse_probability: chance that a window is played backwards, mixture and sources alike, so
    the network also learns to separate from what comes after a frame (as the backward pass of
    experiments/time_reversed_view.py asks of it).
    second_accompaniment: chance that a window's accompaniment is joined by a second window from a
    clip drawn at random, the two summed and scaled by 1/sqrt(2) (about the level of one), for
    accompaniments denser and more varied than the training songs' own.
    The sampler's extra versions of vocals and accompaniments (pitch and formants shifted by
    resampling, or for vocals the pitch alone, `pitch_formants`) are drawn uniformly when augmenting.
    """
    remix_probability: float = 0.5
    voice_gain_db: float = 5.0
    level_db: tuple[float, float] = (-30.0, 6.0)
    eq_db: float = 0.0
    formant_shift: float = 0.0
    frequency_mask: int = 0
    time_mask: int = 0
    reverse_probability: float = 0.0
    second_accompaniment: float = 0.0

    def equaliser(self, num_bins: int, rng: np.random.Generator) -> np.ndarray:
        """A random gain curve, (num_bins,) linear amplitudes, within +-eq_db dB."""
        position = np.log1p(np.arange(num_bins) / 12.0) / np.log1p((num_bins - 1) / 12.0)  # ~log f, 0..1
        coefficients = rng.uniform(-1.0, 1.0, 3) * self.eq_db / 3
        gain_db = coefficients @ np.cos(np.pi * np.arange(1, 4)[:, None] * position[None, :])
        return (10 ** (gain_db / 20)).astype(np.float32)

    def frequency_keep(self, batch_size: int, num_bins: int, rng: np.random.Generator,
                       bands: int = 2) -> np.ndarray:
        """(batch_size, num_bins) float32: 0 in `bands` random bands per window, each of 0 to
        frequency_mask bins starting anywhere (bands may overlap or reach the top), 1 elsewhere."""
        return _hidden_spans(batch_size, num_bins, self.frequency_mask, bands, rng)

    def time_keep(self, batch_size: int, frames: int, rng: np.random.Generator, spans: int = 2) -> np.ndarray:
        """(batch_size, frames) float32: 0 in `spans` random spans per window, each of 0 to
        time_mask frames starting anywhere, 1 elsewhere (`frequency_keep` along time)."""
        return _hidden_spans(batch_size, frames, self.time_mask, spans, rng)

    def input_keep(self, batch_size: int, frames: int, num_bins: int,
                   rng: np.random.Generator) -> np.ndarray | None:
        """What the network hears of each training window, (batch_size, frames, num_bins) float32
        (0: hidden), or None when neither frequency nor time masking is on."""
        if not (self.frequency_mask or self.time_mask):
            return None
        keep = np.ones((batch_size, frames, num_bins), np.float32)
        if self.frequency_mask:  # drawn first, as before time masking existed
            keep *= self.frequency_keep(batch_size, num_bins, rng)[:, None, :]
        if self.time_mask:
            keep *= self.time_keep(batch_size, frames, rng)[:, :, None]
        return keep


class BatchSampler:
    """Random training windows from clips held in memory as complex spectrograms.

    Each batch picks a random clip and a random window of `frames` frames per example
    (the seed's sampler). With an `Augmentation`, voice and accompaniment windows are
    drawn independently and remixed in the STFT domain, which is exact by linearity.
    """

    def __init__(self, files: Sequence[str | os.PathLike], mixing: str = "sum", n_fft: int = 1024,
                 hop_length: int = 256, sample_rate: int = 16000, progress: bool = False,
                 pitch_shift: float = 0.0, accompaniment_shift: float = 0.0, pitch_formants: str = "move",
                 pitch_steps: int = 2, time_stretch: float = 0.0, formant_follow: float = 1.0):
        """`pitch_shift` > 0 also keeps vocals resampled by -s, -s/2, +s/2, +s semitones (faster
        or slower, so voices sound higher or lower, formants included) for augmentation, or with
        `pitch_steps` k by -s, ..., -s/k, +s/k, ..., +s (k versions on each side);
        `pitch_formants` "keep" moves those versions' formants back where they were
        (`warp_formants`), so only the pitch moves, and "both" keeps both kinds of version.
        `formant_follow` f < 1 warps the moved versions' formants back by 1 - f of their shift, so
        they move by f of it (0 is "keep"; about 0.3 is how far apart men's and women's formants
        are for the distance of their pitches).
        `accompaniment_shift` does the same for the accompaniments (other keys, tempi and timbres).
        `time_stretch` s > 0 also keeps each vocal played 1 + s times faster and slower with its
        pitch kept (librosa's phase vocoder), for other tempi and note lengths."""
        import soxr

        if not files:
            raise SvsError("no clips to sample from: the clip list is empty")
        if pitch_formants not in PITCH_FORMANTS:
            raise SvsError(f"pitch_formants must be one of {PITCH_FORMANTS}, got {pitch_formants!r}")
        check_formant_follow(formant_follow)
        if time_stretch < 0:
            raise SvsError(f"time_stretch is a tempo change (0: off; 0.2: 1.2 times faster and slower), "
                           f"got {time_stretch}")
        # per clip: the original first, then the shifted versions (vocals: then the stretched ones);
        # each (frames, bins) complex64
        self.accompaniment: list[list[np.ndarray]] = []
        self.vocals: list[list[np.ndarray]] = []

        def versions(signal: np.ndarray, shift: float, formants: str = "move", steps: int = 2,
                     follow: float = 1.0) -> list[np.ndarray]:
            semitones = [shift * j / steps for j in range(-steps, steps + 1) if j] if shift else []
            resampled = [stft(soxr.resample(signal, 2 ** (s / 12), 1.0), n_fft, hop_length).astype(np.complex64)
                         for s in semitones]
            shifted = resampled if follow == 1 else [
                warp_formants(x, 2 ** (-(1 - follow) * s / 12), sample_rate=sample_rate)
                for x, s in zip(resampled, semitones)]
            if formants != "move":
                kept = [warp_formants(x, 2 ** (-s / 12), sample_rate=sample_rate) for x, s in zip(resampled, semitones)]
                shifted = kept if formants == "keep" else shifted + kept
            return [stft(signal, n_fft, hop_length).astype(np.complex64)] + shifted

        stretch_rates = [1 + time_stretch, 1 / (1 + time_stretch)] if time_stretch else []
        iterator = files
        if progress:
            import progressbar
            iterator = progressbar.progressbar(files, prefix="loading clips ")
        for path in iterator:
            _, accompaniment, vocals = load_mir1k_clip(path, mixing=mixing, sample_rate=sample_rate)
            self.accompaniment.append(versions(accompaniment, accompaniment_shift))
            self.vocals.append(versions(vocals, pitch_shift, pitch_formants, pitch_steps, formant_follow)
                               + [stft(librosa.effects.time_stretch(vocals, rate=rate), n_fft, hop_length)
                                  .astype(np.complex64) for rate in stretch_rates])
        self.num_bins = n_fft // 2 + 1
        self.sample_rate = sample_rate

    @property
    def nbytes(self) -> int:
        return sum(x.nbytes for clips in (self.accompaniment, self.vocals) for versions in clips for x in versions)

    @property
    def num_frames(self) -> int:
        return sum(len(a[0]) for a in self.accompaniment)

    def magnitude_frames(self, max_frames: int | None = None) -> np.ndarray:
        """Mixture magnitudes of all clips stacked, (frames, bins): for feature statistics."""
        mixture = np.concatenate([np.abs(a[0] + v[0]) for a, v in zip(self.accompaniment, self.vocals)])
        return mixture[:max_frames]

    @staticmethod
    def _window(spectrogram: np.ndarray, start: int, frames: int) -> np.ndarray:
        window = spectrogram[start:start + frames]
        if len(window) < frames:  # a clip shorter than the window is zero-padded
            window = np.pad(window, ((0, frames - len(window)), (0, 0)))
        return window

    @staticmethod
    def _pick(versions: list[np.ndarray], rng: np.random.Generator, augmentation: Augmentation | None
              ) -> np.ndarray:
        """The original recording, or with augmentation one of its versions drawn at random."""
        if augmentation is None or len(versions) == 1:
            return versions[0]
        return versions[int(rng.integers(len(versions)))]

    def sample(self, batch_size: int, frames: int, rng: np.random.Generator,
               augmentation: Augmentation | None = None, phase_sensitive: bool = False
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One batch: (mixture, accompaniment, vocals) magnitudes, each (batch, frames, bins),
        and the input level, (batch,): the model sees `level * mixture`, targets stay unscaled.
        `phase_sensitive` gives each source's phase-sensitive target instead of its magnitude
        (`phase_sensitive_target`)."""
        shape = (batch_size, frames, self.num_bins)
        mixture, accompaniment, vocals = (np.empty(shape, np.float32) for _ in range(3))
        level = np.ones(batch_size, np.float32)
        count = len(self.vocals)
        for b in range(batch_size):
            voice_clip = int(rng.integers(count))
            voice = self._pick(self.vocals[voice_clip], rng, augmentation)
            voice_start = int(rng.integers(max(1, len(voice) - frames + 1)))
            accompaniment_clip, accompaniment_start = voice_clip, voice_start
            backing = self.accompaniment[voice_clip][0]
            voice_gain = accompaniment_gain = 1.0
            if augmentation is not None:
                if rng.random() < augmentation.remix_probability:
                    accompaniment_clip = int(rng.integers(count))
                backing = self._pick(self.accompaniment[accompaniment_clip], rng, augmentation)
                accompaniment_start = int(rng.integers(max(1, len(backing) - frames + 1)))
                shift_db = rng.uniform(-augmentation.voice_gain_db, augmentation.voice_gain_db)
                voice_gain = 10 ** (shift_db / 40)
                accompaniment_gain = 1 / voice_gain
                level[b] = 10 ** (rng.uniform(*augmentation.level_db) / 20)
            v = voice_gain * self._window(voice, voice_start, frames)
            a = accompaniment_gain * self._window(backing, accompaniment_start, frames)
            # the random draws only when it is on, so runs without it sample as they did before it
            if augmentation is not None and augmentation.second_accompaniment:
                if rng.random() < augmentation.second_accompaniment:
                    other = self._pick(self.accompaniment[int(rng.integers(count))], rng, augmentation)
                    other_start = int(rng.integers(max(1, len(other) - frames + 1)))
                    a = (a + accompaniment_gain * self._window(other, other_start, frames)) / np.sqrt(2)
            if augmentation is not None and augmentation.formant_shift:
                semitones = rng.uniform(-augmentation.formant_shift, augmentation.formant_shift)
                v = warp_formants(v, 2 ** (semitones / 12), sample_rate=self.sample_rate)
            if augmentation is not None and augmentation.eq_db:
                v = v * augmentation.equaliser(self.num_bins, rng)
                a = a * augmentation.equaliser(self.num_bins, rng)
            # the random draw only when reversing is on, so runs without it sample as they did before it
            if augmentation is not None and augmentation.reverse_probability:
                if rng.random() < augmentation.reverse_probability:
                    a, v = a[::-1], v[::-1]
            y = a + v
            mixture[b] = np.abs(y)
            if phase_sensitive:
                accompaniment[b], vocals[b] = phase_sensitive_target(a, y), phase_sensitive_target(v, y)
            else:
                accompaniment[b], vocals[b] = np.abs(a), np.abs(v)
        return mixture, accompaniment, vocals, level

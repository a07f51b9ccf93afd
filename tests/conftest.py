"""Synthetic MIR-1K: a few short stereo clips (left = accompaniment, right = vocals) in a temp dir."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import progressbar.utils  # noqa: F401  (imported now: progressbar2 takes the sys.stderr of the moment its
# utils are first imported as the real one, and a first import inside a test that captures stderr
# would leave every later bar writing to that test's closed stream)
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

SAMPLE_RATE = 16000


def experiment(name: str):
    """experiments/NAME.py as a module (that folder is scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "experiments" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_sources(seconds: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(accompaniment, vocals): a noisy chord against a vibrato tone that comes and goes."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (110.0 * (seed % 3 + 1), 165.0, 220.0)) / 6
    accompaniment = chord + 0.02 * rng.standard_normal(len(t))
    pitch = 300 + 80 * seed + 10 * np.sin(2 * np.pi * 5 * t)
    vocals = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE) * (np.sin(2 * np.pi * 0.7 * t) > -0.3)
    return accompaniment.astype(np.float32), vocals.astype(np.float32)


def streamed(separator, waveform: np.ndarray, rate: int, largest: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(vocals, accompaniment) of (channels, samples) `waveform` pushed through a SeparationStream
    in blocks of random sizes from 1 to `largest` samples."""
    from separator import SeparationStream

    stream = SeparationStream(separator, rate, waveform.shape[0])
    rng = np.random.default_rng(seed)
    parts, start = [], 0
    while start < waveform.shape[1]:
        size = int(rng.integers(1, largest))
        parts.append(stream.feed(waveform[:, start:start + size]))
        start += size
    parts.append(stream.finish())
    return tuple(np.concatenate([part[index] for part in parts], axis=1) for index in (0, 1))


def write_clip(path: Path, seconds: float, seed: int) -> Path:
    accompaniment, vocals = synthetic_sources(seconds, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.stack([accompaniment, vocals], axis=1), SAMPLE_RATE, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def mir1k(tmp_path_factory) -> Path:
    """A MIR-1K-shaped folder: two training singers and one test singer, 2-3 songs each."""
    root = tmp_path_factory.mktemp("mir1k") / "MIR-1K"
    seed = 0
    for singer, songs in (("abjones", 2), ("amy", 3), ("Ani", 2)):
        for song in range(1, songs + 1):
            for clip in range(1, 3):
                write_clip(root / "Wavfile" / f"{singer}_{song}_{clip:02d}.wav", 1.5 + 0.25 * clip, seed)
                seed += 1
    return root


TINY = dict(num_layers=1, hidden_size=8, frames=8, batch_size=4, validate_every=5, checkpoint_every=5, members=1)


@pytest.fixture(scope="session")
def lists(mir1k, tmp_path_factory) -> Path:
    import download

    output = tmp_path_factory.mktemp("lists")
    download.write_split(mir1k, "huang2014", output)
    return output


def _train_tiny(lists: Path, folder: Path, **overrides) -> Path:
    """A tiny model trained for 10 steps with the default recipe's features, in `folder`."""
    import train
    from model import recipe_config
    from utils import read_list

    config = recipe_config("context", **TINY, iterations=10, **overrides)
    train.train(config, read_list(lists / "train.txt"), read_list(lists / "valid.txt"), folder, quiet=True)
    return folder


@pytest.fixture(scope="session")
def tiny_model(lists, tmp_path_factory) -> Path:
    return _train_tiny(lists, tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="session")
def lookahead_model(lists, tmp_path_factory) -> Path:
    """Like tiny_model, with a lookahead of 3 frames (frame t's mask comes out at step t + 3)."""
    return _train_tiny(lists, tmp_path_factory.mktemp("lookahead_model"), lookahead=3)


@pytest.fixture(scope="session")
def manifest(mir1k, tmp_path_factory) -> Path:
    """A manifest of the synthetic clips in the format of mir1k_manifest.tsv."""
    import hashlib

    import download

    path = tmp_path_factory.mktemp("manifest") / "manifest.tsv"
    lines = ["file\tbytes\tsha256\tseconds\tsinger\thuang2014_split"]
    for clip in sorted((mir1k / "Wavfile").glob("*.wav")):
        data = clip.read_bytes()
        singer = clip.name.split("_")[0]
        split = "train" if singer in download.TRAIN_SINGERS else "test"
        lines.append(f"{clip.name}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}\t"
                     f"{sf.info(clip).duration:.3f}\t{singer}\t{split}")
    path.write_text("\n".join(lines) + "\n")
    return path

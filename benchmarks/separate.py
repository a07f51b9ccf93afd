"""Benchmark main.py: real-time factors and peak memory on this machine.

python benchmarks/separate.py            # 30 min of MP3 (ten 3-min songs), a 60-min file, start-up, model only
python benchmarks/separate.py --profile  # where the time of one song goes, stage by stage
python benchmarks/separate.py --report statistics/benchmark.json [BEFORE.json]
                                         # the ratios the README quotes; with BEFORE, each row's change

Inputs are built from songs/*.mp3 (looped to length, 44.1 kHz stereo MP3) in a temporary folder.
Whole-process numbers run `python main.py` in a subprocess, start-up included.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_song(path: Path, seconds: float, sources: list[Path], rate: int = 44100) -> None:
    """Loop the demo songs to `seconds` of 44.1 kHz stereo, written in the format of `path`'s suffix."""
    import soundfile as sf

    from preprocess import load_audio

    pieces, total = [], 0
    while total < seconds * rate:
        for source in sources:
            audio, _ = load_audio(source, sample_rate=rate, mono=False)
            if audio.shape[0] == 1:
                audio = np.repeat(audio, 2, axis=0)
            pieces.append(audio)
            total += audio.shape[1]
    audio = np.concatenate(pieces, axis=1)[:, :int(seconds * rate)]
    sf.write(path, audio.T, rate)


def run_main(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one `python main.py ...` process."""
    code = ("import resource, subprocess, sys, time; t = time.time(); "
            "r = subprocess.run([sys.executable, 'main.py', *sys.argv[1:]]); "
            "print(time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"main.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    wall, rss_kib = result.stdout.strip().splitlines()[-1].split()
    return float(wall), int(rss_kib) * 1024


def model_only(seconds: float, model_dir: Path, backend: str) -> float:
    """Real-time factor of the GRU alone on `seconds` of 16 kHz frames."""
    from separator import Separator

    separator = Separator(model_dir, backend=backend)
    frames = int(seconds * separator.config.sample_rate / separator.config.hop_length)
    magnitude = np.abs(np.random.default_rng(0).standard_normal((frames, separator.config.num_bins))).astype(np.float32)
    separator.vocals_mask(magnitude[:1000])  # trace once
    started = time.perf_counter()
    separator.vocals_mask(magnitude)
    return seconds / (time.perf_counter() - started)


def profile(song: Path, model_dir: Path, mono: bool) -> dict[str, float]:
    """Seconds per stage of one song separated in this process on one core (the decoding thread
    is run inline): the GRU, REPET-SIM (with the repetition prior), the STFTs, the inverse FFTs,
    MP3 decoding, writing the stems, the rest."""
    import collections

    import scipy.fft
    import soundfile

    import repetition
    import separator as module

    seconds: collections.Counter = collections.Counter()

    def timed(stage, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[stage] += time.perf_counter() - started
        return wrapper

    def decoded(blocks):
        blocks = iter(blocks)
        while True:
            started = time.perf_counter()
            block = next(blocks, None)
            seconds["decode"] += time.perf_counter() - started
            if block is None:
                return
            yield block

    separator = module.load_separator(model_dir)  # what main.py uses: backend, pitch views, post-filter, prior
    separator.vocals_mask(np.ones((10, separator.config.num_bins), np.float32))  # compile first
    networks = separator.inner if isinstance(separator, repetition.RepetitionPrior) else separator
    networks.vocals_mask = timed("GRU", networks.vocals_mask)  # every pitch view's pass, and their mean
    saved = (module._prefetch, module._frames_stft, scipy.fft.irfft, soundfile.SoundFile.write,
             repetition.repet_sim_masks)
    repetition.repet_sim_masks = timed("REPET-SIM", repetition.repet_sim_masks)
    module._prefetch = lambda blocks, depth=2: decoded(blocks)
    module._frames_stft = timed("STFT", module._frames_stft)
    scipy.fft.irfft = timed("inverse FFT", scipy.fft.irfft)
    soundfile.SoundFile.write = timed("write stems", soundfile.SoundFile.write)
    module.reuse_freed_memory()
    from threadpoolctl import threadpool_limits
    try:
        with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):  # REPET-SIM's pools too
            outputs = {stem: Path(tmp) / f"{stem}.wav" for stem in ("mixture", "vocals", "accompaniment")}
            started = time.perf_counter()
            module.separate_file(separator, song, outputs, sample_rate=16000 if mono else None, mono=mono)
            total = time.perf_counter() - started
    finally:
        (module._prefetch, module._frames_stft, scipy.fft.irfft, soundfile.SoundFile.write,
         repetition.repet_sim_masks) = saved
    result = {stage: round(value, 3) for stage, value in seconds.items()}
    result["rest"] = round(total - sum(seconds.values()), 3)
    result["total"] = round(total, 3)
    return result


def report(path: Path, before: Path | None = None) -> None:
    """Print what the README quotes from a benchmark's JSON: the repetition prior's cost (its row
    against the one without it), the pitch views' (no prior against one view) and the second
    network's seconds; with `before`, an earlier JSON, each batch row's wall time in both."""
    def batch_rows(json_path: Path) -> dict[str, float]:
        return {key: value["wall_seconds"] for key, value in json.loads(json_path.read_text()).items()
                if key.startswith("batch ")}

    rows = batch_rows(path)

    def row(*parts: str) -> tuple[str, float]:
        found = [key for key in rows if all(part in key for part in parts)]
        if len(found) != 1:
            raise SystemExit(f"{path}: {len(found)} batch rows name {' and '.join(parts)}")
        return found[0], rows[found[0]]

    if any("no repetition prior" in key for key in rows):  # the prior is the default
        (_, prior), (_, plain) = row("(default)"), row("no repetition prior")
    else:
        (_, prior), (_, plain) = row("repetition prior (--repet-weight"), row("(default)")
    (_, one_view), (_, one_network) = row("stereo, one view"), row("one network, one view")
    print(f"repetition prior: {prior:.2f} s against {plain:.2f} s without it, {prior / plain:.2f} times")
    print(f"pitch views (no prior): {plain:.2f} s against {one_view:.2f} s for one view, {plain / one_view:.2f} times")
    print(f"second network: {one_view - one_network:+.2f} s on the one-view run ({one_view:.2f} against "
          f"{one_network:.2f} s)")
    if before is not None:
        earlier = batch_rows(before)
        for key in (key for key in rows if key in earlier):
            print(f"{key}: {earlier[key]:.2f} s in {before}, {rows[key]:.2f} s here, "
                  f"{(rows[key] - earlier[key]) / earlier[key]:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=10, help="number of songs in the batch")
    parser.add_argument("--song-minutes", type=float, default=3.0)
    parser.add_argument("--long-minutes", type=float, default=60.0, help="length of the memory test input")
    parser.add_argument("--model", type=Path, default=ROOT / "model")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--profile", action="store_true",
                        help="only time the stages of one song in this process (default and 16 kHz mono output)")
    parser.add_argument("--report", type=Path, nargs="+", metavar=("JSON", "BEFORE"),
                        help="only print the ratios the README quotes from a benchmark's JSON; with BEFORE, "
                             "an earlier one, each batch row's change too")
    args = parser.parse_args()
    if args.report:
        if len(args.report) > 2:
            parser.error("--report takes a JSON file and, optionally, an earlier one")
        report(*args.report)
        return
    from config import DEFAULT_RECIPE, RECIPES, load_config, member_dirs
    sources = sorted((ROOT / "songs").glob("*.mp3"))
    if not sources:
        raise SystemExit("no songs/*.mp3 to build inputs from")
    results = {"cpu_count": os.cpu_count()}
    if args.profile:
        with tempfile.TemporaryDirectory() as tmp:
            song = Path(tmp) / "song.mp3"
            make_song(song, args.song_minutes * 60, sources)
            for label, mono in (("input rate, stereo (default)", False), ("16 kHz mono", True)):
                results[f"profile, seconds per {args.song_minutes:g}-minute song, {label}"] = profile(
                    song, args.model, mono)
        print(json.dumps(results, indent=2))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        batch = tmp / "batch"
        batch.mkdir()
        for i in range(args.songs):
            make_song(batch / f"song{i:02d}.mp3", args.song_minutes * 60, sources[i % len(sources):] + sources)
        audio_seconds = args.songs * args.song_minutes * 60
        one_view = ["--pitch-views", "--mask-power", "1", "--repet-weight", "0"]  # the networks' own masks
        runs = [("input rate, stereo (default)", args.model, []),
                ("16 kHz mono (--sample-rate 16000 --mono)", args.model, ["--sample-rate", "16000", "--mono"]),
                (f"input rate, stereo, one view ({' '.join(one_view)})", args.model, one_view),
                ("input rate, stereo, --backend tensorflow", args.model, ["--backend", "tensorflow"])]
        if load_config(args.model).repet_weight:  # the default with the repetition prior, and without it
            runs.insert(1, ("input rate, stereo, no repetition prior (--repet-weight 0)", args.model,
                            ["--repet-weight", "0"]))
        else:  # with the default recipe's weight
            weight = RECIPES[DEFAULT_RECIPE]["repet_weight"]
            runs.insert(1, (f"input rate, stereo, repetition prior (--repet-weight {weight:g})", args.model,
                            ["--repet-weight", str(weight)]))
        members = member_dirs(args.model)
        if len(members) > 1:  # one view of one of the models trained together, the seed's amount of work
            name = members[-1].relative_to(args.model.parent)
            runs.insert(3, (f"input rate, stereo, one network, one view (--model {name} {' '.join(one_view)})",
                            members[-1], one_view))
        for label, model, extra in runs:
            wall, rss = run_main([str(batch), "--output-dir", str(tmp / "out"), "--model", str(model), "--quiet",
                                  *extra])
            results[f"batch {label}"] = {"audio_minutes": audio_seconds / 60, "wall_seconds": round(wall, 2),
                                         "real_time_factor": round(audio_seconds / wall, 1),
                                         "peak_rss_mib": round(rss / 2**20)}
        short = tmp / "short.wav"  # start-up: imports, loading the model (and with TensorFlow, compiling it)
        make_song(short, 1.0, sources)
        for backend in ("onnx", "tensorflow"):
            wall, rss = run_main([str(short), "--output-dir", str(tmp / "short_out"), "--model", str(args.model),
                                  "--quiet", "--backend", backend])
            results[f"start-up (a 1-second file), --backend {backend}"] = {"wall_seconds": round(wall, 2),
                                                                          "peak_rss_mib": round(rss / 2**20)}
        long = tmp / "long.flac"
        make_song(long, args.long_minutes * 60, sources)
        wall, rss = run_main([str(long), "--output-dir", str(tmp / "long_out"), "--model", str(args.model), "--quiet"])
        results[f"{args.long_minutes:g}-minute file"] = {"wall_seconds": round(wall, 2),
                                                         "real_time_factor": round(args.long_minutes * 60 / wall, 1),
                                                         "peak_rss_mib": round(rss / 2**20)}
    for backend in ("onnx", "tensorflow"):
        results[f"model only, {backend}"] = {"real_time_factor": round(model_only(audio_seconds, args.model, backend), 1)}
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

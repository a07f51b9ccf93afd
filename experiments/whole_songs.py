r"""Whole dev songs for evaluate.py: each song's clips, mixed as evaluate.py mixes them, end to end.

    python experiments/whole_songs.py --list data/dev-amy/valid.txt --output-dir data/songs-dev-amy
    python evaluate.py --list data/songs-dev-amy/valid.txt --model-dir runs/dev-NAME ...

MIR-1K cuts each song into clips of 4 to 12 s, each shorter than one of the stream's 1,024-frame
chunks (16 s), so the clip scores never exercise what happens over a song: the GRU states carried
from chunk to chunk, and the repetition prior's REPET-SIM comparing a song chunk by chunk
instead of a clip as a whole. Here the clips of each song (`<singer>_<song>_<clip>.wav`, in clip order) are joined
again into one stereo file per song, `<singer>_<song>.wav`: the accompaniment on the left and on
the right the vocals, scaled clip by clip by the split's mixing rule (0 dB: each clip's vocals to
its accompaniment's energy), so that a song's `sum` mixture is its clips' mixtures end to end.
The song list (`valid.txt`) and a `split.json` whose mixing is `sum` go beside them. (evaluate.py
mixes by the model's rule unless given `--mixing`; the context recipe's 0 dB scales these songs'
vocals by 1 up to float rounding, since each clip's vocals already have its accompaniment's
energy, so either rule gives the same mixtures.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import Config  # noqa: E402
from separator import CHUNK_FRAMES  # noqa: E402  (the stream's chunk)
from utils import SvsError, read_json, read_list, replaced_when_written, write_json, write_list  # noqa: E402


SHORT_END_SECONDS = 2.0  # a last chunk shorter than this had no neighbours 2 s apart (the prior's distance then)


def songs_of(clips: list[Path]) -> dict[str, list[Path]]:
    """{"<singer>_<song>": its clips in clip order}, from MIR-1K's clip names."""
    songs: dict[str, list[Path]] = {}
    for clip in clips:
        parts = clip.stem.split("_")
        if len(parts) != 3 or not parts[2].isdigit():
            raise SvsError(f"{clip.name}: not a MIR-1K clip name (<singer>_<song>_<clip>.wav)")
        songs.setdefault(f"{parts[0]}_{parts[1]}", []).append(clip)
    return {song: sorted(parts, key=lambda clip: int(clip.stem.split("_")[2])) for song, parts in songs.items()}


def main(argv: list[str] | None = None) -> int:
    import soundfile as sf

    from preprocess import load_mir1k_clip

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=Path, required=True, help="clip list (its split.json gives the mixing)")
    parser.add_argument("--output-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        split_path = args.list.parent / "split.json"
        if not split_path.is_file():
            raise SvsError(f"no split.json beside {args.list} to take the mixing rule from")
        split = read_json(split_path)
        config = Config()
        mixing, rate = split["mixing"], config.sample_rate
        songs = songs_of(read_list(args.list))
        written, seconds, short_ends = [], [], []
        for song, clips in songs.items():
            channels = []
            for clip in clips:
                _, accompaniment, vocals = load_mir1k_clip(clip, mixing=mixing, sample_rate=rate)
                channels.append(np.stack([accompaniment, vocals], axis=1))
            path = args.output_dir / f"{song}.wav"
            with replaced_when_written(path) as tmp:
                sf.write(tmp, np.concatenate(channels), rate, subtype="FLOAT", format="WAV")
            written.append(path)
            samples = sum(len(part) for part in channels)
            seconds.append(samples / rate)
            last = (1 + samples // config.hop_length) % CHUNK_FRAMES  # frames of the stream's last chunk
            if 0 < last < SHORT_END_SECONDS * rate / config.hop_length:
                short_ends.append(f"{song} ({last} frames)")
        write_list(args.output_dir / "valid.txt", written)
        write_json(args.output_dir / "split.json", {**split, "mixing": "sum", "songs_of": str(args.list),
                                                     "songs_mixed_as": mixing})
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} songs ({sum(map(len, songs.values()))} clips) of {args.list} to {args.output_dir}/: "
          f"{min(seconds):.0f} to {max(seconds):.0f} s long; ending with a chunk (of {CHUNK_FRAMES} frames) "
          f"under {SHORT_END_SECONDS:g} s: {', '.join(short_ends) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Get MIR-1K, check it, and write the train/valid/test clip lists.

python download.py                                  # download + extract into data/MIR1K
python download.py --source ../shared/mir1k         # use an extracted copy (or a local archive)
python download.py --source PATH --split huang2014  # Huang et al. 2014's singer protocol
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from utils import SvsError, write_json, write_list

DATA_DIR = Path("data/MIR1K")
TRAIN_SINGERS = ("abjones", "amy")  # Huang et al. 2014 train on these two, test on the other 17
SPLITS = ("songs", "huang2014", "dev-amy", "dev-abjones")
CLIP_NAME = re.compile(r"^(?P<singer>[A-Za-z]+)_(?P<song>\d+)(?:_(?P<clip>\d+))?\.wav$")


def find_dataset(root: Path) -> Path:
    """The MIR-1K folder (the one holding Wavfile/) at or under `root`."""
    for candidate in (root, root / "MIR-1K", *sorted(root.glob("*/MIR-1K"))):
        if (candidate / "Wavfile").is_dir():
            return candidate
    raise SvsError(f"no MIR-1K dataset under {root}: expected {root}/MIR-1K/Wavfile/*.wav")


def song_of(path: Path) -> tuple[str, str]:
    match = CLIP_NAME.match(path.name)
    if not match:
        raise SvsError(f"{path}: not a MIR-1K clip name (<singer>_<song>_<clip>.wav)")
    return match["singer"], f"{match['singer']}_{match['song']}"


def group_by_song(files: list[Path]) -> dict[str, list[Path]]:
    songs: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(files):
        songs[song_of(f)[1]].append(f)
    return dict(songs)


def split_dataset(dataset: Path, split: str, seed: int = 0) -> tuple[dict[str, list[Path]], str, list[str]]:
    """Lists of clips for train/valid/test, the mixing rule of the protocol, and notes for the user."""
    clips = sorted((dataset / "Wavfile").glob("*.wav"))
    if not clips:
        raise SvsError(f"{dataset}/Wavfile holds no .wav clips")
    notes: list[str] = []
    rng = np.random.default_rng(seed)
    if split == "songs":
        undivided = sorted((dataset / "UndividedWavfile").glob("*.wav"))
        songs = {f.stem: [f] for f in undivided} if undivided else group_by_song(clips)
        notes.append(f"split over {len(songs)} songs from {'UndividedWavfile' if undivided else 'Wavfile'}")
        names = sorted(songs)
        rng.shuffle(names)
        n_train, n_valid = int(round(0.8 * len(names))), int(round(0.1 * len(names)))
        parts = {"train": names[:n_train], "valid": names[n_train:n_train + n_valid],
                 "test": names[n_train + n_valid:]}
        return {k: [f for name in sorted(v) for f in songs[name]] for k, v in parts.items()}, "sum", notes
    if split == "huang2014":
        songs = group_by_song([c for c in clips if song_of(c)[0] in TRAIN_SINGERS])
        if not songs:
            raise SvsError(f"no clips of {' or '.join(TRAIN_SINGERS)} in {dataset}/Wavfile")
        names = sorted(songs)
        rng.shuffle(names)
        n_valid = max(1, int(round(0.1 * len(names))))
        lists = {"train": sorted(f for n in names[n_valid:] for f in songs[n]),
                 "valid": sorted(f for n in names[:n_valid] for f in songs[n]),
                 "test": [c for c in clips if song_of(c)[0] not in TRAIN_SINGERS]}
        return lists, "0db", notes
    if split in ("dev-amy", "dev-abjones"):
        train_singer = split.split("-")[1]
        lists = {"train": [c for c in clips if song_of(c)[0] == train_singer],
                 "valid": [c for c in clips if song_of(c)[0] in TRAIN_SINGERS and song_of(c)[0] != train_singer],
                 "test": []}
        notes.append(f"singer-independent development split: train on {train_singer}, validate on the other")
        return lists, "0db", notes
    raise SvsError(f"unknown split {split!r}: choose from {SPLITS}")


def write_split(dataset: Path, split: str, output: Path) -> dict[str, list[Path]]:
    lists, mixing, notes = split_dataset(dataset, split)
    for note in notes:
        print(note)
    if not lists["test"] and split == "huang2014":
        print("the test singers are not in this copy of MIR-1K: test.txt is empty "
              "(evaluate on valid.txt, or get the full dataset)")
    for name, files in lists.items():
        write_list(output / f"{name}.txt", files)
    write_json(output / "split.json", {"split": split, "mixing": mixing, "dataset": str(dataset.resolve()),
                                       **{name: len(files) for name, files in lists.items()}})
    print(f"wrote {output}/train.txt ({len(lists['train'])} clips), valid.txt ({len(lists['valid'])}), "
          f"test.txt ({len(lists['test'])}); mixing rule {mixing}")
    return lists


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="an extracted MIR-1K folder or a local .rar/.zip archive")
    parser.add_argument("--split", default="songs", choices=SPLITS,
                        help="songs: the seed's random 80/10/10 over songs; huang2014: train on abjones+amy, "
                             "test on the rest; dev-amy/dev-abjones: train on one, validate on the other")
    parser.add_argument("--output", type=Path, default=DATA_DIR, help="where the lists (and downloads) go")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.source is None:
            raise SvsError("downloading is not built yet: pass --source")
        dataset = find_dataset(args.source)
        write_split(dataset, args.split, args.output)
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Whether two folders of separated audio hold the same samples, file for file.

python benchmarks/same_samples.py demo/ /tmp/other-clone/demo/

For each audio file of the first folder, the file of the same name in the second is read back
(soundfile, as float64) and compared sample for sample (`np.array_equal`: headers, which hold no
samples, may differ). Prints one line per file and exits 1 if any file is missing or differs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    import soundfile as sf

    from separator import AUDIO_EXTENSIONS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    for folder in (args.first, args.second):
        if not folder.is_dir():
            print(f"error: {folder}: no such folder", file=sys.stderr)
            return 1
    files = sorted(p for p in args.first.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    if not files:
        print(f"error: no audio files in {args.first}", file=sys.stderr)
        return 1
    differing = 0
    for path in files:
        other = args.second / path.name
        if not other.is_file():
            verdict = "missing"
        else:
            (a, rate_a), (b, rate_b) = sf.read(path), sf.read(other)
            verdict = "same samples" if rate_a == rate_b and np.array_equal(a, b) else "different"
        differing += verdict != "same samples"
        print(f"{path.name}: {verdict}")
    print(f"{len(files) - differing} of {len(files)} files have the same samples")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())

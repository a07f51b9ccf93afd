"""Separate songs into vocals and accompaniment with the trained model.

python main.py                          # every .mp3 in songs/ -> demo/<name>_mono/_src1/_src2.wav
python main.py song.flac music/ --output-dir out --stems names --format flac
Outputs keep the input's sample rate and channels; `--sample-rate 16000 --mono` gives the
seed's 16 kHz mono files. src1 = accompaniment, src2 = vocals, mono = the input mixture.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from separator import (AUDIO_EXTENSIONS, BACKENDS, FORMATS, STEM_LABELS, Interrupted, add_mask_arguments,
                       collect_inputs, output_paths)
from utils import SvsError, count_at_least, finite_float


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", type=Path, help="audio files and folders (default: songs/*.mp3)")
    parser.add_argument("--output-dir", type=Path, default=Path("demo"))
    parser.add_argument("--model", type=Path, action="append",
                        help="model folder (config.json + weights; default model/); one trained with "
                             "train.py --members N (the shipped one: 2) stands for its N models; given more "
                             "than once: an ensemble, the mean of their vocals masks")
    parser.add_argument("--format", default="wav", choices=sorted(FORMATS), help="output format")
    parser.add_argument("--template", default="{name}_{stem}",
                        help="output name without extension; fields {name} (input stem) and {stem}")
    parser.add_argument("--stems", default="seed", choices=sorted(STEM_LABELS),
                        help="seed: mono/src1/src2; names: mixture/accompaniment/vocals")
    parser.add_argument("--sample-rate", type=count_at_least(1000),
                        help="resample outputs to this rate in Hz (default: the input's)")
    parser.add_argument("--mono", action="store_true", help="mix down to mono before separating")
    add_mask_arguments(parser)
    parser.add_argument("--input-gain-db", type=finite_float,
                        help="the network hears the input scaled by this many dB; the stems are cut from "
                             "the input as it is (default: the model's input_gain_db)")
    parser.add_argument("--backend", default="auto", choices=BACKENDS,
                        help="onnx: ONNX Runtime on model.onnx (fast start); tensorflow: the Keras weights; "
                             "auto (default): onnx when model.onnx matches the weights, else tensorflow")
    parser.add_argument("--skip-existing", action="store_true", help="skip inputs whose outputs all exist")
    parser.add_argument("--jobs", type=count_at_least(1), default=os.cpu_count() or 1,
                        help="files separated at once (default: one per core)")
    parser.add_argument("--quiet", action="store_true")
    return parser


def default_inputs(folder: Path = Path("songs")) -> list[Path]:
    """What main.py separates when no inputs are named: the seed's songs/*.mp3. The folder's other
    audio files are left out, as the seed left them, and a note says how to take them too."""
    if not folder.is_dir():
        raise SvsError(f"no {folder}/ folder here: run main.py from the repository root, or name files or folders")
    every = collect_inputs([folder])  # the folder is listed once
    files = [path for path in every if path.suffix.lower() == ".mp3"]
    others = [path for path in every if path.suffix.lower() != ".mp3"]
    if others:
        take = f"{len(others)} other audio file(s): `python main.py {folder}/` separates every audio file in it"
        if not files:
            raise SvsError(f"{folder}/ has no .mp3 files, which main.py takes when no inputs are named (as the "
                           f"seed did), and {take}")
        print(f"note: {folder}/ also holds {take}", file=sys.stderr)
    return files


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    terminate = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops as Ctrl-C does
    try:
        files = collect_inputs(args.inputs) if args.inputs else default_inputs()
        if not files:
            where = ("the folder(s) named: " + ", ".join(map(str, args.inputs)) if args.inputs
                     else "songs/: put songs there, or name files or folders")
            raise SvsError(f"no audio files to separate in {where} ({', '.join(AUDIO_EXTENSIONS)})")
        plan = output_paths(files, args.output_dir, args.template, args.format, args.stems)
        from separator import load_separator, reuse_freed_memory, separate_files
        reuse_freed_memory()  # a process-wide malloc setting, so set once here, by the program
        # cores that parallel files leave free (a single file, say) go to the model's matrix products
        threads = max(1, (os.cpu_count() or 1) // max(1, min(args.jobs, len(plan))))
        separator = load_separator(args.model or [Path("model")], args.pitch_views, mask_power=args.mask_power,
                                   repet_weight=args.repet_weight, backend=args.backend, threads=threads,
                                   input_gain_db=args.input_gain_db)
        from threadpoolctl import threadpool_limits
        # the same share for the BLAS and OpenMP pools REPET-SIM's neighbour search uses (loaded by
        # now): files separated in parallel, each with a pool as wide as the machine, oversubscribe it
        with threadpool_limits(limits=threads):
            failures = separate_files(separator, plan, args.format, args.sample_rate, args.mono,
                                      args.skip_existing, args.quiet, args.jobs)
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        done = (f"{interrupt.done} of {interrupt.total} files written; " if isinstance(interrupt, Interrupted)
                else "")
        print(f"\ninterrupted: {done}the files in progress left no outputs "
              "(run again with --skip-existing to go on)", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, terminate)
    if failures:
        print(f"{len(failures)} of {len(files)} files failed:", file=sys.stderr)
        for path, reason in failures:
            print(f"  {path}: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

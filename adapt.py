"""Fine-tune the model on the songs it is to separate, with its own stems as targets (self-training).

python adapt.py songs/ --output-model model-adapted     # separate, then train on the stems (minutes)
python main.py songs/ --model model-adapted             # separate again with the adapted model

The model has never heard these singers; their songs are all there is of them. adapt.py separates
the songs as main.py does (with the model's own settings), makes each song's two stems a training
clip (16 kHz, accompaniment left, vocals right, as MIR-1K's), and trains a copy of each of the
model's networks on those clips for --iterations steps, starting from its weights, with its
training recipe (the stems remixed across songs, resampled, set at random levels) and a cosine
learning rate from --learning-rate (RemixIT's scheme, Tzinis et al. 2022). The adapted model, in
--output-model, separates with the same settings as the model it came from. On the development
protocol (pairs of networks trained on one MIR-1K singer, adapted to and scored on the other's
clips) it gained +1.16 and +0.59 dB accompaniment GNSDR and +0.20 and +0.16 dB vocals, one
direction and the other (README, "Adapting to your songs"). It learns the model's own mistakes
too: where the model was weaker, the vocals let more of the accompaniment through.

Stopped (Ctrl-C), the same command goes on: songs already separated are kept and training
resumes from its checkpoint. The stems and clips (WORK, default OUTPUT_MODEL/adapt-data) are
removed when training is done unless --keep-data.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np

from config import load_config, member_dirs
from separator import collect_inputs
from utils import SvsError, count_at_least, finite_float, read_list, replaced_when_written, write_json, write_list

ITERATIONS = 1500
LEARNING_RATE = 1e-4
MAX_MINUTES = 30.0  # of stems learnt from (train.py holds them in memory with their resampled copies, per network)


def pseudo_clips(names: list[str], stems: Path, clips: Path, max_seconds: float = float("inf")) -> tuple[Path, float]:
    """Each song's stems (`stems/<name>_src1.wav` the accompaniment, `_src2.wav` the vocals, mono,
    as main.py names them) as a MIR-1K-style clip `clips/<name>.wav` (accompaniment left, vocals
    right), and their list `clips/train.txt` with a split.json (0 dB mixing); returns the list and the
    seconds of audio its clips hold.
    Past `max_seconds` of clips in all, the songs are taken in a random order (seed 0) and the
    last one taken is cut, so that training holds no more than that in memory."""
    import soundfile as sf

    clips.mkdir(parents=True, exist_ok=True)
    durations = {name: sf.info(str(stems / f"{name}_src1.wav")).duration for name in names}
    if sum(durations.values()) > max_seconds:
        names = [names[i] for i in np.random.default_rng(0).permutation(len(names))]
    written, total, kept = [], 0.0, 0.0
    for name in names:
        if total >= max_seconds:
            break
        target = clips / f"{name}.wav"
        if not target.is_file():
            accompaniment, rate = sf.read(stems / f"{name}_src1.wav", dtype="float32")
            vocals, vocals_rate = sf.read(stems / f"{name}_src2.wav", dtype="float32")
            if accompaniment.ndim != 1 or vocals.shape != accompaniment.shape or rate != vocals_rate:
                raise SvsError(f"{name}: the stems are not two mono files of one length and rate")
            keep = int(min(len(vocals), (max_seconds - total) * rate))
            with replaced_when_written(target) as tmp:
                sf.write(tmp, np.stack([accompaniment[:keep], vocals[:keep]], axis=1), rate, format="WAV",
                         subtype="FLOAT")
        kept += min(durations[name], max_seconds - total)  # the last one taken is cut to the cap
        total += durations[name]
        written.append(target)
    listing = clips / "train.txt"
    write_list(listing, written)
    write_json(clips / "split.json", dict(split="adapt", mixing="0db", train=len(written)))
    return listing, kept


def training_arguments(model: Path, listing: Path, output: Path, iterations: int, learning_rate: float) -> list[str]:
    """train.py's arguments: the model's own recipe and settings, from its weights (member K from
    model/member-K), on the clips of `listing`, into `output`."""
    import dataclasses

    from train import config_flags

    config = dataclasses.replace(load_config(model), iterations=iterations, learning_rate=learning_rate)
    return ["--init-from", str(model), "--train-list", str(listing), "--valid-list", str(listing.with_name("none.txt")),
            "--model-dir", str(output), "--figure", str(output / "training_loss.png"), *config_flags(config)]


def trained_step(folder: Path) -> int | None:
    """The step of the checkpoint in `folder` (model.checkpoint_state reads it), None where there is none."""
    from model import checkpoint_dir, checkpoint_state

    return checkpoint_state(folder)["step"] if (checkpoint_dir(folder) / "state.json").is_file() else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", type=Path, help="audio files and folders to adapt to")
    parser.add_argument("--output-model", type=Path, required=True, help="the adapted model's folder")
    parser.add_argument("--model", type=Path, default=Path("model"), help="the model to start from (default model/)")
    parser.add_argument("--iterations", type=count_at_least(1), default=ITERATIONS,
                        help=f"training steps of each network (default {ITERATIONS})")
    parser.add_argument("--learning-rate", type=finite_float, default=LEARNING_RATE,
                        help=f"the cosine schedule's first learning rate (default {LEARNING_RATE:g})")
    parser.add_argument("--max-minutes", type=finite_float, default=MAX_MINUTES,
                        help=f"learn from at most this much of the songs, chosen at random past it (default "
                             f"{MAX_MINUTES:g}: training holds every clip in memory, resampled as its recipe says)")
    parser.add_argument("--work", type=Path, help="the stems and clips (default OUTPUT_MODEL/adapt-data)")
    parser.add_argument("--keep-data", action="store_true", help="keep the stems and clips when done")
    parser.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    work = args.work or args.output_model / "adapt-data"
    try:
        if args.output_model.resolve() == args.model.resolve():
            raise SvsError("--output-model must differ from --model (the model adapted from is kept as it is)")
        teacher = load_config(args.model)  # a clear error before anything is separated
        if args.max_minutes <= 0:
            raise SvsError("--max-minutes must be above 0")
        files = collect_inputs(args.inputs)
        if not files:
            raise SvsError("no audio files to adapt to in " + ", ".join(map(str, args.inputs)))
        step = trained_step(args.output_model)
        if step is None or step < args.iterations:
            import main as separate_songs
            import train

            stems = work / "stems"
            separated = separate_songs.main([*map(str, files), "--model", str(args.model), "--output-dir", str(stems),
                                             "--sample-rate", "16000", "--mono", "--format", "wav",
                                             "--skip-existing", *(["--quiet"] if args.quiet else [])])
            if separated:
                return separated  # main.py has said why
            listing, seconds = pseudo_clips([f.stem for f in files], stems, work / "clips", 60 * args.max_minutes)
            clips = read_list(listing)
            print(f"training on the stems of {len(clips)} of {len(files)} file(s), {seconds:.1f} s of audio: "
                  f"{args.iterations} steps of each of the {teacher.members} network(s) of {args.model}")
            if step is None:
                arguments = training_arguments(args.model, listing, args.output_model, args.iterations,
                                               args.learning_rate)
            else:
                arguments = ["--resume", "--model-dir", str(args.output_model), "--iterations", str(args.iterations)]
            trained = train.main([*arguments, *(["--quiet"] if args.quiet else [])])
            if trained == 130:
                raise KeyboardInterrupt  # train.py has saved checkpoints: the same adapt.py command goes on
            if trained:
                return trained  # train.py has said why; the same command goes on
        else:
            print(f"{args.output_model} is already adapted ({step} steps)")
        if not args.keep_data and work.exists():
            shutil.rmtree(work)
        missing = [str(f) for f in member_dirs(args.output_model) if (trained_step(f) or 0) < args.iterations]
        if missing:
            raise SvsError("not every network finished: " + ", ".join(missing) + " (run the same command again)")
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: the same adapt.py command goes on from here (training from its checkpoints)",
              file=sys.stderr)
        return 130
    inputs = " ".join(map(str, args.inputs))
    print(f"adapted model in {args.output_model}: python main.py {inputs} --model {args.output_model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

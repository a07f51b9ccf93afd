r"""Self-training on the mixtures to separate: the separator's own stems as targets (issue 4).

    python experiments/self_training.py NAME --list data/dev-amy/valid.txt \
        --teacher runs/dev-context-pitch8-10k-seed1 --teacher runs/dev-context-pitch8-10k-seed2

The networks never heard the singers they are scored on; the mixtures to separate are all there
is of those voices. This asks whether the networks can learn from them without their sources, as
RemixIT does (Tzinis et al., 2022: a teacher separates the new mixtures, a student trains on the
teacher's stems, remixed): main.py, as it ships (the teachers' masks averaged, pitch views -2 +2,
post-filter 1.5, the repetition prior 0.35, the input heard 12 dB down), separates each clip's
mixture; its stems become a MIR-1K-style clip (accompaniment left, vocals right); each teacher
network is then trained on those clips alone for a few steps, starting from its own weights
(`train.py --init-from`), with its own recipe (so remixed across clips and resampled as in
training) but a new learning rate and length; the students are scored as the teachers were.
The clips' sources are used for scoring only. Each step is skipped when its output exists, so a
stopped run goes on with the same command. Everything but the statistics goes to --work:

  WORK/mixtures/<clip>.wav           each clip's mixture, as evaluate.py mixes it (0 dB)
  WORK/teacher/<clip>_src1|2.wav     main.py's stems: the targets
  WORK/pseudo/<clip>.wav, train.txt  the stems as MIR-1K clips, and their list
  WORK/student-K/                    teacher K fine-tuned on them

and the scores to statistics/self-training/NAME-{teacher,student}[-plain]_*: the shipped form
and, `-plain`, the networks alone (their masks averaged, no views, post-filter or prior; heard
12 dB down). Compare with `python experiments/ablation_table.py --compare
self-training/NAME-student self-training/NAME-teacher`.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapt import pseudo_clips, trained_step, training_arguments  # noqa: E402  (adapt.py's steps)
from config import load_config  # noqa: E402
from utils import SvsError, read_list  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATISTICS = ROOT / "statistics" / "self-training"
# main.py as it ships; written out so that the teachers' own config.json cannot change it
SHIPPED_FORM = ["--pitch-views", "-2", "2", "--mask-power", "1.5", "--repet-weight", "0.35", "--input-gain-db", "-12"]
PLAIN = ["--pitch-views", "--mask-power", "1", "--repet-weight", "0", "--input-gain-db", "-12"]


def run(arguments: list[str], log: Path | None = None) -> subprocess.Popen:
    print("$ " + " ".join(arguments), flush=True)
    output = None if log is None else open(log, "w")
    return subprocess.Popen([sys.executable, *arguments], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)


def wait(processes: list[subprocess.Popen]) -> None:
    codes = [process.wait() for process in processes]
    failed = [" ".join(map(str, process.args[1:3])) for process, code in zip(processes, codes) if code]
    if failed:
        raise SvsError("failed: " + "; ".join(failed))


def student_arguments(teacher: Path, listing: Path, folder: Path, iterations: int, learning_rate: float) -> list[str]:
    """train.py's arguments: adapt.py's (the teacher's own recipe, from its weights, on the pseudo
    clips), for one network."""
    return ["train.py", *training_arguments(teacher, listing, folder, iterations, learning_rate), "--members", "1",
            "--quiet"]


def score(name: str, clip_list: Path, models: list[Path] | None, estimates: Path | None, settings: list[str]):
    if (STATISTICS / f"{name}_summary.json").is_file():
        return None
    arguments = ["evaluate.py", "--list", str(clip_list), "--name", name, "--output-dir", str(STATISTICS), "--quiet"]
    if estimates is not None:
        arguments += ["--estimates", str(estimates)]
    else:
        for model in models:
            arguments += ["--model-dir", str(model)]
        arguments += settings
    return run(arguments)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="statistics/self-training/NAME-*")
    parser.add_argument("--list", type=Path, required=True, help="the clips to separate, learn from and score")
    parser.add_argument("--teacher", type=Path, action="append", required=True,
                        help="a network (given once per network; their masks are averaged)")
    parser.add_argument("--iterations", type=int, default=1500, help="each student's training steps")
    parser.add_argument("--learning-rate", type=float, default=1e-4,
                        help="each student's starting learning rate (the teacher's schedule, over --iterations)")
    parser.add_argument("--work", type=Path, help="default work/self-training/NAME")
    args = parser.parse_args(argv)
    work = args.work or ROOT / "work" / "self-training" / args.name
    try:
        clips = read_list(args.list)
        teachers = [teacher.resolve() for teacher in args.teacher]
        for teacher in teachers:
            load_config(teacher)  # a clear error for a folder without a model
        mixtures, stems = work / "mixtures", work / "teacher"
        if not all((mixtures / f"{clip.stem}.wav").is_file() for clip in clips):
            wait([run(["evaluate.py", "--list", str(args.list), "--write-mixtures", str(mixtures)])])
        if not all((stems / f"{clip.stem}_src{k}.wav").is_file() for clip in clips for k in (1, 2)):
            models = [x for teacher in teachers for x in ("--model", str(teacher))]
            wait([run(["main.py", str(mixtures), *models, *SHIPPED_FORM, "--output-dir", str(stems),
                       "--format", "wav", "--skip-existing", "--quiet"])])
        listing, _ = pseudo_clips([clip.stem for clip in clips], stems, work / "pseudo")
        students = [work / f"student-{k}" for k in range(1, len(teachers) + 1)]
        training = []
        for k, (teacher, student) in enumerate(zip(teachers, students), 1):
            step = trained_step(student)
            if step is None:
                arguments = student_arguments(teacher, listing, student, args.iterations, args.learning_rate)
            elif step < args.iterations:
                arguments = ["train.py", "--resume", "--model-dir", str(student), "--quiet"]
            else:
                continue
            work.mkdir(parents=True, exist_ok=True)
            training.append(run(arguments, log=work / f"student-{k}.out"))
        wait(training)
        # two scorings at a time, one per core
        wait([p for p in (score(f"{args.name}-teacher", args.list, None, stems, []),
                          score(f"{args.name}-student", args.list, students, None, SHIPPED_FORM)) if p])
        wait([p for p in (score(f"{args.name}-teacher-plain", args.list, teachers, None, PLAIN),
                          score(f"{args.name}-student-plain", args.list, students, None, PLAIN)) if p])
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"scores in {STATISTICS}/{args.name}-*; compare with python experiments/ablation_table.py --compare "
          f"self-training/{args.name}-student self-training/{args.name}-teacher")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Score a model on a list of MIR-1K clips with BSS Eval v3: GNSDR, GSIR, GSAR.

python evaluate.py                                # data/MIR1K/test.txt, model/
python evaluate.py --list data/MIR1K/valid.txt    # the validation clips
python evaluate.py --resume                       # go on after Ctrl-C: only the clips not yet scored
Per-clip CSV and a summary JSON go to statistics/; --demo also writes the separated clips.

Another separator's outputs, or main.py's, scored on the same clips and terms:
python evaluate.py --list data/MIR1K/valid.txt --write-mixtures mixtures/valid   # <clip>.wav, 16 kHz mono
python main.py mixtures/valid --output-dir separated/valid                       # or any separator
python evaluate.py --list data/MIR1K/valid.txt --estimates separated/valid       # <clip>_src2 / _src1
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np

from config import MIXING_RULES, Config
from separator import BACKENDS, STEM_LABELS, add_mask_arguments
from utils import (SvsError, atomic_write_text, count_at_least, finite_float, read_list, replaced_when_written,
                   write_json)

SOURCES = ("vocals", "accompaniment")
ESTIMATES_MIXING = "0db"  # the mixtures of Huang et al. 2014's test, unless --mixing says otherwise
MIXTURE_RATE = Config().sample_rate  # of the mixtures --write-mixtures writes and --estimates scores: MIR-1K's


def bss_eval(accompaniment: np.ndarray, vocals: np.ndarray, accompaniment_hat: np.ndarray,
             vocals_hat: np.ndarray, mixture: np.ndarray) -> dict[str, float]:
    """BSS Eval v3 of both estimates and of the mixture itself; NSDR = SDR(estimate) - SDR(mixture)."""
    import warnings

    from mir_eval.separation import bss_eval_sources

    warnings.filterwarnings("ignore", message=".*bss_eval_sources", category=FutureWarning)  # fine below 0.9
    reference = np.stack([accompaniment, vocals])
    sdr, sir, sar, _ = bss_eval_sources(reference, np.stack([accompaniment_hat, vocals_hat]),
                                        compute_permutation=False)
    sdr_mixture, _, _, _ = bss_eval_sources(reference, np.stack([mixture, mixture]), compute_permutation=False)
    scores = {}
    for i, source in enumerate(("accompaniment", "vocals")):
        scores.update({f"{source}_sdr": sdr[i], f"{source}_sir": sir[i], f"{source}_sar": sar[i],
                       f"{source}_mixture_sdr": sdr_mixture[i], f"{source}_nsdr": sdr[i] - sdr_mixture[i]})
    return {k: float(v) for k, v in scores.items()}


def _score_job(args: tuple) -> dict[str, float]:
    return bss_eval(*args)


def _leave_interrupts_to_the_parent() -> None:
    """Pool workers ignore Ctrl-C: the parent keeps what they finished and stops them, without their tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def global_scores(rows: list[dict], sources=SOURCES) -> dict[str, dict[str, float]]:
    """GNSDR, GSIR, GSAR: per-clip NSDR, SIR, SAR averaged with weights = clip length."""
    weights = np.array([row["seconds"] for row in rows])
    return {source: {name: float(np.average([row[f"{source}_{metric}"] for row in rows], weights=weights))
                     for name, metric in (("GNSDR", "nsdr"), ("GSIR", "sir"), ("GSAR", "sar"))}
            for source in sources}


def format_table(scores: dict[str, dict[str, float]]) -> str:
    lines = [f"{'source':<14}{'GNSDR':>8}{'GSIR':>8}{'GSAR':>8}"]
    for source, values in scores.items():
        lines.append(f"{source:<14}" + "".join(f"{values[k]:>8.2f}" for k in ("GNSDR", "GSIR", "GSAR")))
    return "\n".join(lines)


class ScoreLog:
    """Every clip's scores as a JSON line in `path`, written as soon as it is scored, so an
    interrupted evaluation (Ctrl-C, kill, a crash) keeps them. The first line holds the settings
    they were scored with; `resume` keeps the earlier lines only under the same settings, and a
    line cut short by a kill is dropped."""

    def __init__(self, path: Path, settings: dict, resume: bool = False):
        self.path, self.settings, self.rows = path, json.loads(json.dumps(settings)), {}
        earlier, rows = self.read(path)
        found = path.is_file() and path.stat().st_size > 0
        if resume and found:
            if earlier is None:
                raise SvsError(f"--resume: {path} is not a score log of evaluate.py; "
                               "run without --resume to start over")
            self._check(earlier)
            self.rows = rows
        elif found:
            print(f"starting over: {path} held an earlier run's scored clips (--resume would have kept them)",
                  file=sys.stderr)
        atomic_write_text(path, "".join(json.dumps(line) + "\n"
                                        for line in [{"settings": self.settings}, *self.rows.values()]))
        self._file = open(path, "a")

    @staticmethod
    def read(path: Path) -> tuple[dict | None, dict[str, dict]]:
        """A score log's settings (None: not a score log) and its rows by clip, up to the first
        line that is not a whole row (one cut short by a kill)."""
        lines = path.read_text().splitlines() if path.is_file() else []
        try:
            settings = json.loads(lines[0])["settings"]
        except (IndexError, ValueError, TypeError, KeyError):
            return None, {}
        rows = {}
        for line in lines[1:]:
            try:
                row = json.loads(line)
                rows[row["clip"]] = row
            except (ValueError, TypeError, KeyError):
                break
        return settings, rows

    def _check(self, earlier: dict) -> None:
        differ = [f"{key} {earlier.get(key)} there, {self.settings.get(key)} now"
                  for key in sorted(set(earlier) | set(self.settings)) if earlier.get(key) != self.settings.get(key)]
        if differ:
            raise SvsError(f"--resume: {self.path} was scored with other settings ({'; '.join(differ)}); "
                           "run with those, or without --resume to start over")

    def add(self, row: dict) -> None:
        self._file.write(json.dumps(row) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def write_mixtures(files: list[Path], folder: Path, mixing: str = ESTIMATES_MIXING, gain_db: float = 0.0,
                   quiet: bool = False) -> list[Path]:
    """Each clip's mixture as `folder`/<clip>.wav (16 kHz mono, float samples, so nothing is
    clipped or rounded), mixed and scaled as evaluate() mixes and scales it: the input another
    separator (or main.py) is given, so that --estimates scores its outputs on the same terms.
    Each file appears whole or not at all."""
    import progressbar
    import soundfile as sf

    from preprocess import load_mir1k_clip

    rate, gain = MIXTURE_RATE, np.float32(10 ** (gain_db / 20))
    written = []
    for path in progressbar.progressbar(files, prefix="writing ") if not quiet else files:
        mixture, _, _ = load_mir1k_clip(path, mixing=mixing, sample_rate=rate)
        with replaced_when_written(folder / f"{path.stem}.wav") as tmp:
            sf.write(tmp, gain * mixture, rate, subtype="FLOAT")
        written.append(folder / f"{path.stem}.wav")
    return written


def read_estimates(folder: Path, clip: Path, length: int) -> tuple[dict[str, np.ndarray], int]:
    """The stems a separator wrote for `clip` into `folder`, named as main.py names them
    (<clip>_src2 and <clip>_src1, or <clip>_vocals and <clip>_accompaniment), in any format
    load_audio reads. Each is read as mono at the mixtures' rate and cut or zero-padded to the
    clip's `length`; the second value is the largest number of samples that changed (0 for
    main.py's outputs)."""
    from preprocess import load_audio
    from separator import AUDIO_EXTENSIONS

    stems, changed = {}, 0
    for source in SOURCES:
        labels = [names[source] for names in STEM_LABELS.values()]  # as main.py's --stems names them
        found = [path for label in labels for path in sorted(folder.glob(f"{clip.stem}_{label}.*"))
                 if path.suffix.lower() in AUDIO_EXTENSIONS]
        if len(found) != 1:
            names = " or ".join(f"{clip.stem}_{label}.wav (or another audio format)" for label in labels)
            raise SvsError(f"{folder}: the {source} of {clip.name} should be one file, {names}; "
                           + (f"found {len(found)}: {', '.join(p.name for p in found)}" if found else "found none"))
        audio, _ = load_audio(found[0], sample_rate=MIXTURE_RATE)
        changed = max(changed, abs(len(audio) - length))
        stems[source] = np.pad(audio[:length], (0, max(0, length - len(audio))))
    return stems, changed


def score_settings(separator, model_dirs: list[Path], mixing: str, gain_db: float, variant: dict | None) -> dict:
    """What a clip's scores depend on, besides the clip: every network's weights and the way it is run."""
    from config import member_dirs, model_fingerprint

    return {"models": [model_fingerprint(d) for model_dir in model_dirs for d in member_dirs(model_dir)],
            "separator": type(separator).__name__, "variant": variant or {}, "mixing": mixing,
            "gain_db": gain_db, "input_gain_db": separator.input_gain_db, "mask_power": separator.mask_power,
            "pitch_views": [s for s in getattr(separator, "semitones", []) if s],
            "repet_weight": float(getattr(separator, "weight", 0.0)),
            "repetition": getattr(separator, "settings", {})}  # what a repetition prior's REPET-SIM compares


def evaluate(files: list[Path], model_dir: Path | list[Path], mixing: str | None = None, jobs: int = 2,
             demo_dir: Path | None = None, quiet: bool = False, gain_db: float = 0.0,
             mask_power: float | None = None, backend: str = "auto", input_gain_db: float | None = None,
             pitch_views: tuple[float, ...] | None = None, log_path: Path | None = None, resume: bool = False,
             variant: dict | None = None, estimates: Path | None = None, repet_weight: float | None = None
             ) -> tuple[list[dict], dict]:
    """Separate every clip and score it; returns per-clip rows and the global scores. With
    `estimates`, a folder of another separator's outputs for the clips (read_estimates), those
    are scored instead of the model's, and the model options are not used.
    `gain_db` scales each mixture (and its sources) first, to check that quiet or loud input
    separates as well (BSS Eval itself does not depend on the scale). With `log_path`, each
    clip's scores go there as it is scored (a ScoreLog; main() removes it once the statistics are
    written), and `resume` takes the clips found there as scored. `variant`: how a caller changed
    the separator, recorded in the summary."""
    import progressbar
    import soundfile as sf

    from preprocess import load_mir1k_clip
    from separator import load_separator

    lengths_changed = []
    if estimates is None:
        model_dirs = [model_dir] if isinstance(model_dir, (str, os.PathLike)) else list(model_dir)
        separator = load_separator(model_dirs, pitch_views, mask_power=mask_power, repet_weight=repet_weight,
                                   backend=backend, input_gain_db=input_gain_db)
        mixing, sample_rate = mixing or separator.config.mixing, separator.config.sample_rate
        run = score_settings(separator, model_dirs, mixing, gain_db, variant)

        def stems_of(path: Path, mixture: np.ndarray) -> dict[str, np.ndarray]:
            return separator.separate(mixture, sample_rate)
    else:
        if not Path(estimates).is_dir():
            raise SvsError(f"--estimates {estimates}: no such folder")
        mixing, sample_rate = mixing or ESTIMATES_MIXING, MIXTURE_RATE
        run = {"estimates": str(Path(estimates).resolve()), "mixing": mixing, "gain_db": gain_db}

        def stems_of(path: Path, mixture: np.ndarray) -> dict[str, np.ndarray]:
            stems, changed = read_estimates(Path(estimates), path, len(mixture))
            if changed:
                lengths_changed.append(changed)
            return stems
    log = ScoreLog(log_path, run, resume) if log_path is not None else None
    scored = dict(log.rows) if log else {}
    resumed = sum(path.name in scored for path in files)
    if resumed and not quiet:
        print(f"resuming: {resumed} of {len(files)} clips already scored in {log_path}")

    def finish(row: dict, job) -> None:
        try:
            row.update(job.get())
        except ValueError as error:  # mir_eval's checks, such as an estimate that is all zeros
            raise SvsError(f"BSS Eval cannot score {row['clip']}: {error}") from None
        scored[row["clip"]] = row
        if log:
            log.add(row)

    pending = deque()
    gain = np.float32(10 ** (gain_db / 20))
    context = multiprocessing.get_context("spawn")  # no fork of a process running TensorFlow
    with context.Pool(max(1, jobs), initializer=_leave_interrupts_to_the_parent) as pool:
        try:
            for path in progressbar.progressbar(files, prefix="separating ") if not quiet else files:
                if path.name in scored:
                    continue
                mixture, accompaniment, vocals = (gain * x for x in load_mir1k_clip(
                    path, mixing=mixing, sample_rate=sample_rate))
                if not np.any(vocals) or not np.any(accompaniment):
                    print(f"skipping {path.name}: a source is silent, BSS Eval is undefined", file=sys.stderr)
                    continue
                stems = stems_of(path, mixture)
                if demo_dir is not None:
                    demo_dir.mkdir(parents=True, exist_ok=True)
                    for source, audio in (("mixture", mixture), *((s, stems[s]) for s in SOURCES)):
                        sf.write(demo_dir / f"{path.stem}_{STEM_LABELS['seed'][source]}.wav", audio, sample_rate)
                pending.append(({"clip": path.name, "seconds": len(mixture) / sample_rate},
                                pool.apply_async(_score_job, ((accompaniment, vocals, stems["accompaniment"],
                                                               stems["vocals"], mixture),))))
                while pending and pending[0][1].ready():
                    finish(*pending.popleft())
            while pending:
                finish(*pending.popleft())
        except BaseException:
            for row, job in pending:  # keep what the pool finished before the stop
                if job.ready() and job.successful():
                    finish(row, job)
            raise
        finally:
            if log:
                log.close()
    rows = [scored[path.name] for path in files if path.name in scored]
    if not rows:
        raise SvsError("no clips were scored: the list is empty or every clip has a silent source")
    if lengths_changed and not quiet:
        print(f"note: the estimates of {len(lengths_changed)} clips differed in length from the clips (by up to "
              f"{max(lengths_changed)} samples) and were cut or zero-padded to them", file=sys.stderr)
    if estimates is None:
        summary = {**{key: run[key] for key in ("mixing", "gain_db", "input_gain_db", "mask_power", "pitch_views",
                                                "repet_weight", "repetition")},
                   "backend": separator.backend, "config": separator.config.to_json()}
    else:
        summary = {**run, "estimates": str(estimates)}  # as given; the log keeps the resolved folder
    summary["scores"] = global_scores(rows)
    if variant:
        summary["variant"] = variant
    if resumed:
        summary["resumed_clips"] = resumed  # evaluation_seconds is then the time of the last run alone
    return rows, summary


def save_statistics(rows: list[dict], summary: dict, output_dir: Path, name: str) -> tuple[Path, Path]:
    clips_path, summary_path = output_dir / f"{name}_clips.csv", output_dir / f"{name}_summary.json"
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in row.items()} for row in rows)
    atomic_write_text(clips_path, table.getvalue())
    write_json(summary_path, summary)
    return clips_path, summary_path


def _kept(log_path: Path) -> str:
    try:
        kept = len(ScoreLog.read(log_path)[1])
    except OSError:
        kept = 0
    return (f"{kept} clips scored so far are kept in {log_path}, and the same command with --resume scores "
            "the others")


def _clips(list_path: Path) -> list[Path]:
    files = read_list(list_path)
    if not files:
        raise SvsError(f"{list_path} is empty (without the test singers, use --list data/MIR1K/valid.txt)")
    return files


def _refuse_model_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--estimates and --write-mixtures run no model: a model option given with them is an error, not ignored."""
    given = [option for option, value in (("--model-dir", args.model_dir), ("--mask-power", args.mask_power),
                                          ("--pitch-views", args.pitch_views), ("--input-gain-db", args.input_gain_db),
                                          ("--repet-weight", args.repet_weight),
                                          ("--demo", args.demo)) if value is not None]
    if args.estimates and args.write_mixtures:
        given.append("--write-mixtures")
    if given:
        parser.error(f"{' and '.join(given)} cannot go with {'--estimates' if args.estimates else '--write-mixtures'}")


def _write_mixtures_command(args: argparse.Namespace) -> int:
    terminate = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        written = write_mixtures(_clips(args.list), args.write_mixtures, args.mixing or ESTIMATES_MIXING,
                                 args.gain_db, args.quiet)
    except (SvsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: the mixtures in {args.write_mixtures}/ so far are whole; the same command writes "
              "them all again", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, terminate)
    print(f"wrote {len(written)} mixtures of {args.list} to {args.write_mixtures}/")
    return 0


def main(argv: list[str] | None = None, variant: dict | None = None) -> int:
    """`variant`: how a script that wraps this one changed the separator (e.g. {"--time-shifts": ["0.5"]}),
    recorded in the summary and checked by --resume."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=Path, default=Path("data/MIR1K/test.txt"), help="clip list to score")
    parser.add_argument("--model-dir", type=Path, action="append",
                        help="model folder (default model/; one trained with train.py --members N stands for "
                             "its N models); given more than once: an ensemble, the mean of their vocals masks")
    parser.add_argument("--mixing", choices=MIXING_RULES,
                        help=f"mixing rule (default: the model's; with --estimates or --write-mixtures, "
                             f"{ESTIMATES_MIXING})")
    parser.add_argument("--gain-db", type=finite_float, default=0.0, help="scale every mixture by this many dB first")
    parser.add_argument("--input-gain-db", type=finite_float,
                        help="the network hears each mixture scaled by this many dB (default: the model's)")
    add_mask_arguments(parser)
    parser.add_argument("--backend", default="auto", choices=BACKENDS,
                        help="inference backend, as in main.py")
    parser.add_argument("--output-dir", type=Path, default=Path("statistics"))
    parser.add_argument("--name", help="file name stem of the statistics (default: <model folder>_<list>, "
                                       "or <DIR>_<list> with --estimates DIR)")
    parser.add_argument("--jobs", type=count_at_least(1), default=os.cpu_count() or 1, help="BSS Eval processes")
    parser.add_argument("--demo", type=Path, nargs="?", const=Path("demo"), help="write separated clips here")
    parser.add_argument("--write-mixtures", type=Path, metavar="DIR",
                        help="write each clip's mixture as DIR/<clip>.wav (16 kHz mono) for another separator "
                             "(or main.py) to separate, and stop")
    parser.add_argument("--estimates", type=Path, metavar="DIR",
                        help="score the separated files in DIR instead of the model's: <clip>_src2 and "
                             "<clip>_src1 (or <clip>_vocals and <clip>_accompaniment), as main.py names them, "
                             "in any audio format")
    parser.add_argument("--resume", action="store_true",
                        help="keep the clips an interrupted run of the same command scored (kept in "
                             "<output-dir>/<name>_clips.partial.jsonl) and score only the others")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.write_mixtures or args.estimates:
        _refuse_model_options(parser, args)
    if args.write_mixtures:
        return _write_mixtures_command(args)
    args.model_dir = args.model_dir or [Path("model")]
    stem = args.estimates.resolve().name if args.estimates else "+".join(d.resolve().name for d in args.model_dir)
    name = args.name or f"{stem}_{args.list.stem}"
    log_path = args.output_dir / f"{name}_clips.partial.jsonl"
    terminate = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops as Ctrl-C does
    try:
        files = _clips(args.list)
        started = time.time()
        rows, summary = evaluate(files, args.model_dir, args.mixing, args.jobs, args.demo, args.quiet,
                                 args.gain_db, args.mask_power, args.backend, args.input_gain_db,
                                 args.pitch_views, log_path, args.resume, variant, args.estimates,
                                 args.repet_weight)
        if args.estimates is None:
            summary["model_dir"] = ([str(d) for d in args.model_dir] if len(args.model_dir) > 1
                                    else str(args.model_dir[0]))
        summary.update(list=str(args.list), clips=len(rows), seconds_of_audio=float(sum(r["seconds"] for r in rows)),
                       evaluation_seconds=round(time.time() - started, 1))
        clips_path, summary_path = save_statistics(rows, summary, args.output_dir, name)
        log_path.unlink(missing_ok=True)
        scored = (f"estimates in {args.estimates}" if args.estimates
                  else f"model {' + '.join(map(str, args.model_dir))}")
        print(f"{len(rows)} clips of {args.list}, mixing {summary['mixing']}, {scored}")
        print(format_table(summary["scores"]))
        print(f"wrote {clips_path} and {summary_path}")
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk or a folder that cannot be written
        print(f"error: {error}; {_kept(log_path)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: no statistics written; {_kept(log_path)}", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, terminate)
    return 0


if __name__ == "__main__":
    sys.exit(main())

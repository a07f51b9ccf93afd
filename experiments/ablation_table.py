"""Print the ablation table (markdown) from statistics/dev/*_summary.json (scores) and *_run.json (a
run's step and times, copied from runs/dev-*/checkpoint/state.json, which is read when it is missing).

python experiments/ablation_table.py                 # the table
python experiments/ablation_table.py --record NAME   # write statistics/dev/NAME_run.json after a run
python experiments/ablation_table.py --run-stats DIR # a model folder's step, times and last-500 training loss
python experiments/ablation_table.py --ensembles     # the ensembles' table (experiments/ensembles.sh)
python experiments/ablation_table.py --shipped       # the shipped model's (and earlier ones') valid-list scores
python experiments/ablation_table.py --views         # pitch views and post-filters against each model alone
python experiments/ablation_table.py --per-clip      # the best setting per clip (an oracle) against the best fixed one
python experiments/ablation_table.py --summary       # the README's summary: each stage of the recipe, mean over seeds
python experiments/ablation_table.py --summary-gains # the changes the README states under it: first stage to last
python experiments/ablation_table.py --compare NEW BASE [NEW BASE ...]
                                                     # scores against a baseline, mean change per direction
                                                     # (NEW, BASE: statistics names such as dev/RUN, median/RUN)
python experiments/ablation_table.py --update-readme # put all of these tables (not --record / --run-stats) into README.md
                                                     # and experiments/README.md (the experiment log)
python experiments/ablation_table.py --check-readme  # exit 1 where one of those copies differs
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluate import SOURCES  # noqa: E402  (vocals, accompaniment: as evaluate.py scores them)
from repetition import REPET_MARGINS  # noqa: E402  (librosa's example's margins, the prior's before its own)


BASE_RECIPE = "context"  # every run but seed is `--recipe context` and flags (experiments/ablation.sh)
ABLATION_BASE = dict(pitch_shift=4.0, members=1)  # the context recipe as the ablation ran it (ablation.sh pins it)
# not a recipe change: the run's length is its own column, the rest only schedule logging and saving
# (the inference settings are shown with what else happened at inference, from the scores' summary)
UNCOMPARED = ("iterations", "recipe", "validate_every", "checkpoint_every", "input_gain_db", "view_shift",
              "mask_power", "repet_weight")


def pin_flags() -> str:
    """ABLATION_BASE as train.py flags, which ablation.sh puts before each context run's own."""
    return " ".join(f"--{name.replace('_', '-')} {value}" for name, value in ABLATION_BASE.items())


def reversed_direction(summary: dict) -> bool:
    """Whether a scores summary is of a run trained on abjones and scored on amy (ablation.sh split_of;
    whole_songs.py's song lists, in folders named after the split, go the same way)."""
    return Path(summary["list"]).parent.name.endswith("dev-abjones")


def read_summary(name: str) -> dict:
    """statistics/NAME_summary.json, NAME such as dev/RUN or ensembles/PAIR (evaluate.py writes them)."""
    return json.loads((ROOT / "statistics" / f"{name}_summary.json").read_text())


def views_text(semitones: list[float]) -> str:
    """A scores summary's pitch views as the tables show them: "-2 +2"."""
    return " ".join(f"{s:+g}" for s in semitones)


def run_stats(run: Path) -> dict:
    """A trained model folder's step and times (checkpoint/state.json) and the mean training loss
    of its last 500 steps (train_log.csv)."""
    import csv

    state = json.loads((run / "checkpoint" / "state.json").read_text())
    with open(run / "train_log.csv", newline="") as handle:
        losses = [float(row["train_loss"]) for row in csv.DictReader(handle)]
    kept = {k: state[k] for k in ("step", "wall_seconds", "cpu_seconds")}
    kept["train_loss_last_500"] = sum(losses[-500:]) / len(losses[-500:])
    return kept


def record(name: str) -> None:
    """statistics/dev/NAME_run.json: run_stats of runs/dev-NAME, kept because runs/ is not committed."""
    kept = run_stats(ROOT / "runs" / f"dev-{name}")
    (ROOT / "statistics" / "dev" / f"{name}_run.json").write_text(json.dumps(kept, indent=1) + "\n")


def main() -> None:
    from config import Config, recipe_config

    base = recipe_config(BASE_RECIPE, **ABLATION_BASE).to_json()

    rows = []
    for summary_path in sorted((ROOT / "statistics" / "dev").glob("*_summary.json")):
        name = summary_path.name.removesuffix("_summary.json")
        summary = json.loads(summary_path.read_text())
        model_dir = Path(summary.get("model_dir", f"runs/dev-{name}"))
        plain = model_dir.name == "no-ema"  # an --ema run's plain weights (train.NO_EMA_DIR)
        if plain:
            model_dir = model_dir.parent
        state_path = summary_path.with_name(f"{model_dir.name.removeprefix('dev-')}_run.json")
        if not state_path.exists():
            state_path = ROOT / model_dir / "checkpoint" / "state.json"
        config = Config.from_json(summary["config"]).to_json()  # fields newer than a run get defaults
        state = json.loads(state_path.read_text()) if state_path.exists() else {}
        vocals, accompaniment = summary["scores"]["vocals"], summary["scores"]["accompaniment"]
        changes = ", ".join(f"{k}={v}" for k, v in config.items()
                            if k not in UNCOMPARED and v != base[k]) or f"(the {BASE_RECIPE} recipe)"
        if plain:
            changes += " (scored: its plain weights, not the average)"
        if reversed_direction(summary):
            changes = f"trained on abjones, scored on amy: {changes}"
        if summary.get("mask_power", 1.0) != 1.0:
            changes += f", mask_power={summary['mask_power']} (at inference)"
        if summary.get("pitch_views"):
            changes += f", pitch views {views_text(summary['pitch_views'])} (at inference)"
        if summary.get("repet_weight"):
            changes += f", repetition prior {summary['repet_weight']:g} (at inference)"
        heard_db = summary.get("gain_db", 0.0) + summary.get("input_gain_db", 0.0)  # both scale what it hears
        if heard_db:
            changes += f", input {heard_db:+g} dB (at inference)"
        if model_dir.parent.name == "snapshots":  # a step inside a longer run: its times are the run's
            step, wall, cpu = int(model_dir.name.removeprefix("step-")), "", ""
            order = (model_dir.parents[1].name.removeprefix("dev-"), step)  # before the run's own row
        else:
            order = (name, float("inf"))
            step = state.get("step", config["iterations"])
            wall = f"{state.get('wall_seconds', float('nan')) / 60:.0f}"
            cpu = f"{state.get('cpu_seconds', float('nan')) / 60:.0f}"
        rows.append((order, f"| {name} | {changes} | {step} | {wall} | {cpu} "
                    f"| {vocals['GNSDR']:.2f} / {vocals['GSIR']:.2f} / {vocals['GSAR']:.2f} "
                    f"| {accompaniment['GNSDR']:.2f} / {accompaniment['GSIR']:.2f} / {accompaniment['GSAR']:.2f} |"))
    if not rows:
        sys.exit("no statistics/dev/*_summary.json yet: run experiments/ablation.sh")
    pinned = ", ".join(f"{k}={v}" for k, v in ABLATION_BASE.items())
    print(f"| run | settings that differ from the {BASE_RECIPE} recipe ({pinned}, as ablation.sh runs it) | iterations | wall min | CPU min | vocals GNSDR / GSIR / GSAR | "
          "accompaniment GNSDR / GSIR / GSAR |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(row for _, row in sorted(rows)))


def inference_suffix(summary: dict) -> str:
    """The dev rows' name ending for a summary's pitch views and post-filter ("-views2-wiener1.5"),
    as experiments/ablation.sh names them; "" for the network alone."""
    views = sorted({abs(s) for s in summary.get("pitch_views") or []})
    power = summary.get("mask_power", 1.0)
    return ((f"-views{''.join(f'{s:g}' for s in views)}" if views else "")
            + (f"-wiener{power:g}" if power != 1.0 else ""))


def ensembles() -> None:
    """One row per statistics/ensembles/*_summary.json: its members' vocals GNSDR (their own rows in
    statistics/dev, with the same pitch views and post-filter) against the ensemble's scores."""
    rows = []
    for summary_path in sorted((ROOT / "statistics" / "ensembles").glob("*_summary.json")):
        summary = json.loads(summary_path.read_text())
        members = []
        for model_dir in map(Path, summary["model_dir"]):
            run = model_dir.parents[1] if model_dir.parent.name == "snapshots" else model_dir
            row = (run.name.removeprefix("dev-") + (f"-{model_dir.name}" if run != model_dir else "")
                   + inference_suffix(summary))
            member = read_summary(f"dev/{row}")
            members.append((row, member["scores"]["vocals"]["GNSDR"]))
        gnsdr = [score for _, score in members]
        vocals, accompaniment = summary["scores"]["vocals"], summary["scores"]["accompaniment"]
        rows.append(f"| {summary_path.name.removesuffix('_summary.json')} | "
                    f"{', '.join(f'{row} {score:.2f}' for row, score in members)} | "
                    f"{sum(gnsdr) / len(gnsdr):.2f} / {max(gnsdr):.2f} "
                    f"| {vocals['GNSDR']:.2f} / {vocals['GSIR']:.2f} / {vocals['GSAR']:.2f} "
                    f"| {accompaniment['GNSDR']:.2f} / {accompaniment['GSIR']:.2f} / {accompaniment['GSAR']:.2f} |")
    if not rows:
        sys.exit("no statistics/ensembles/*_summary.json yet: run experiments/ensembles.sh")
    print("| ensemble | members (their vocals GNSDR) | members' mean / best | vocals GNSDR / GSIR / GSAR | "
          "accompaniment GNSDR / GSIR / GSAR |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


def shipped() -> None:
    """The README's table of valid-list scores: the shipped model (statistics/model_valid*, from
    `evaluate.py --list data/MIR1K/valid.txt [--gain-db -33 --name model_valid_minus33dB]`, and with
    `--pitch-views --mask-power 1 --name model_valid_plain[_minus33dB]` the networks alone) and the
    models it replaced (their scores kept as statistics/ship-NAME_valid*)."""
    rows = []
    paths = [*(ROOT / "statistics").glob("model_valid*_summary.json"),
             *(ROOT / "statistics").glob("ship-*_valid*_summary.json")]
    for summary_path in paths:
        summary = json.loads(summary_path.read_text())
        current = summary_path.name.startswith("model_")
        pitch = summary["config"]["pitch_shift"]
        members = summary["config"].get("members", 1)  # older summaries: one model
        models = "one model" if members == 1 else f"{members} models"
        gain = summary.get("gain_db", 0.0)
        clips = ("valid list (seen in training)" if not gain
                 else f"same, mixtures {-gain:g} dB quieter (`--gain-db {gain:g}`)")
        views, prior = summary.get("pitch_views", []), summary.get("repet_weight", 0.0)
        heard = (f"views {views_text(views)}, post-filter {summary['mask_power']:g}" if views
                 else "no views or post-filter" if summary.get("mask_power", 1.0) == 1.0
                 else f"post-filter {summary['mask_power']:g}")
        # recorded since it could differ; before that, the example's
        margin = summary.get("repetition", {}).get("vocals_margin", REPET_MARGINS[1])
        heard += f", repetition prior {prior:g}" if prior else ""
        heard += f" (REPET-SIM's vocals margin {margin:g})" if prior and margin != REPET_MARGINS[1] else ""
        for source in SOURCES:
            scores = summary["scores"][source]
            rows.append(((not current, -pitch, -members, not prior, -prior, not views, -gain, source != "vocals"),
                         f"| {'shipped' if current else 'earlier'}, {models}, +-{pitch:g}, {heard} | {clips} | {source} "
                         f"| {scores['GNSDR']:.2f} | {scores['GSIR']:.2f} | {scores['GSAR']:.2f} |"))
    if not rows:
        sys.exit("no statistics/model_valid*_summary.json yet: run evaluate.py --list data/MIR1K/valid.txt")
    print("| model | clips | source | GNSDR | GSIR | GSAR |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(row for _, row in sorted(rows)))


ALONE = ((), 1.0)  # a scores summary's inference setting (pitch views, mask power) when it has neither


def setting(summary: dict) -> tuple:
    """A scores summary's inference setting: (pitch views, mask power)."""
    return tuple(summary.get("pitch_views", [])), summary.get("mask_power", 1.0)


def default_setting() -> tuple:
    """The inference setting that the recipe writes into a model's config.json."""
    from config import RECIPES

    shift = RECIPES[BASE_RECIPE]["view_shift"]
    return (-shift, shift), RECIPES[BASE_RECIPE]["mask_power"]


def models_with_views() -> dict[str, dict]:
    """{model: {setting: scores summary}} for every dev model scored alone and with pitch views
    (the input-level rows left out); each summary also gets "path", its file."""
    models: dict[str, dict] = {}
    for summary_path in (ROOT / "statistics" / "dev").glob("*_summary.json"):
        summary = json.loads(summary_path.read_text())
        if summary.get("gain_db", 0.0) + summary.get("input_gain_db", 0.0):
            continue  # the input-level rows (as the main table marks them)
        model = Path(summary["model_dir"]).name.removeprefix("dev-")
        models.setdefault(model, {})[setting(summary)] = {**summary, "path": summary_path}
    models = {model: scored for model, scored in models.items()
              if ALONE in scored and any(views for views, _ in scored)}
    if not models:
        sys.exit("no pitch-views rows in statistics/dev yet: run their POST entries in experiments/ablation.sh")
    return models


def clip_vocals_nsdr(clips_csv: Path) -> dict[str, tuple[float, float]]:
    """clip -> (seconds, vocals NSDR) from a NAME_clips.csv that evaluate.py wrote."""
    import csv

    with open(clips_csv, newline="") as handle:
        return {row["clip"]: (float(row["seconds"]), float(row["vocals_nsdr"])) for row in csv.DictReader(handle)}


def per_clip_choice() -> None:
    """How much choosing the inference setting clip by clip could add, at best: for every model with at
    least three settings scored, the vocals GNSDR of the best fixed setting against that of an oracle
    that picks, for each clip, the setting with the highest vocals NSDR (from the *_clips.csv files)."""
    def vocals_nsdr(summary: dict) -> dict[str, tuple[float, float]]:
        return clip_vocals_nsdr(Path(str(summary["path"]).removesuffix("_summary.json") + "_clips.csv"))

    default = default_setting()
    print(f"| model | settings | network alone | {heading(*default)} (the default) | best fixed setting "
          "| best setting per clip (oracle) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for model, scored in sorted(models_with_views().items()):
        if len(scored) < 3:
            continue
        per_setting = {key: vocals_nsdr(summary) for key, summary in scored.items()}
        clips = sorted(per_setting[ALONE])
        seconds = [per_setting[ALONE][clip][0] for clip in clips]

        def gnsdr(values: list[float]) -> float:
            return sum(s * v for s, v in zip(seconds, values)) / sum(seconds)

        fixed = {key: gnsdr([nsdr[clip][1] for clip in clips]) for key, nsdr in per_setting.items()}
        best = max(fixed, key=fixed.get)
        oracle = gnsdr([max(nsdr[clip][1] for nsdr in per_setting.values()) for clip in clips])
        at_default = f"{fixed[default]:.2f}" if default in fixed else ""
        print(f"| `{model}` | {len(scored)} | {fixed[ALONE]:.2f} | {at_default} | {fixed[best]:.2f} ({heading(*best)}) "
              f"| {oracle:.2f} ({oracle - fixed[best]:+.2f}) |")


METRICS = ("GNSDR", "GSIR", "GSAR")


def scores_of(summary: dict) -> dict[tuple[str, str], float]:
    """A scores summary's global scores by (source, metric), in dB."""
    return {(source, metric): summary["scores"][source][metric] for source in SOURCES for metric in METRICS}


def score_change(new: dict, base: dict) -> dict[tuple[str, str], float]:
    """How far each global score of summary `new` is from `base`'s, in dB."""
    after, before = scores_of(new), scores_of(base)
    return {key: after[key] - before[key] for key in after}


def mean_of(rows: list[dict]) -> dict:
    """The mean of dicts with the same keys, key by key."""
    return {key: sum(row[key] for row in rows) / len(rows) for key in rows[0]}


def heading(views: tuple, power: float) -> str:
    """An inference setting as the tables name it: "views -2 +2, post-filter 1.5"."""
    parts = ([f"views {views_text(views)}"] if views else []) + ([f"post-filter {power:g}"] if power != 1 else [])
    return ", ".join(parts) or "network alone"


def inference_views() -> None:
    """The README's pitch-views table: every model with a pitch-views row in statistics/dev, its
    scores alone (its own row) and with each inference setting (its POST rows in ablation.sh), then
    each setting's mean change (vocals / accompaniment GNSDR; per direction too, where it has both)
    over the network alone and over the recipe's default setting."""
    alone, default = ALONE, default_setting()
    models = models_with_views()
    columns = sorted({key for scored in models.values() for key in scored},
                     key=lambda key: (key != alone, key[1], bool(key[0]), len(key[0]), max(key[0], default=0)))

    def cell(summary: dict) -> str:
        return " / ".join(f"{summary['scores'][source]['GNSDR']:.2f}" for source in SOURCES)

    def label(model: str, summary: dict) -> str:
        trained, scored = ("abjones", "amy") if reversed_direction(summary) else ("amy", "abjones")
        return f"`{model}` ({trained} -> {scored}, {summary['config']['iterations']:,} iterations)"

    order = sorted(models, key=lambda m: (models[m][alone]["config"]["iterations"], m))
    print("| model (trained on -> scored on) | " + " | ".join(heading(*key) for key in columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for model in order:
        scored = models[model]
        print(f"| {label(model, scored[alone])} | "
              + " | ".join(cell(scored[key]) if key in scored else "" for key in columns) + " |")
    print()

    def mean_change(pairs: list) -> str:
        change = mean_of([score_change(new, base) for new, base in pairs])
        return (f"{change['vocals', 'GNSDR']:+.2f} / {change['accompaniment', 'GNSDR']:+.2f} dB over "
                f"{len(pairs)} model{'s' * (len(pairs) > 1)}")

    for key in columns[1:]:
        for against in alone, default:
            pairs = [(scored[key], scored[against]) for scored in models.values()
                     if key in scored and against in scored and key != against]
            if not pairs:
                continue
            line = f"- {heading(*key)} against {heading(*against)}: {mean_change(pairs)}"
            reverse = [pair for pair in pairs if reversed_direction(pair[0])]
            if 0 < len(reverse) < len(pairs):  # both directions: each one's mean too
                forward = [pair for pair in pairs if not reversed_direction(pair[0])]
                line += f" (abjones -> amy {mean_change(reverse)}; amy -> abjones {mean_change(forward)})"
            print(line)


# The README's summary table: each stage from the seed recipe to the shipped form, in both dev
# directions, as the mean over the runs (seeds) of that stage: (label, amy -> abjones rows,
# abjones -> amy rows), each row a statistics/dev or statistics/ensembles NAME (ablation.sh, ensembles.sh).
SUMMARY = (
    ("seed recipe (Lei Mao's) at its own 50,000 iterations", ["dev/seed-50k"], ["dev/abjones-seed-50k"]),
    ("context recipe, +-8 semitones, 3,000 iterations, one model",
     [f"dev/context-pitch8{s}" for s in ("", "-seed1", "-seed2")],
     [f"dev/abjones-context-pitch8{s}" for s in ("", "-seed1", "-seed2")]),
    # from here on seeds 1 to 3, whose weights are kept, so that the pairs are of the same runs
    ("the same, 15,000 iterations (the shipped length), seeds 1 to 3",
     [f"dev/context-pitch8-15k-seed{s}" for s in (1, 2, 3)],
     [f"dev/abjones-context-pitch8-15k-seed{s}" for s in (1, 2, 3)]),
    ("the same, with pitch views -2 +2 and post-filter 1.5 (main.py with one of the models)",
     [f"dev/context-pitch8-15k-seed{s}-views2-wiener1.5" for s in (1, 2, 3)],
     [f"dev/abjones-context-pitch8-15k-seed{s}-views2-wiener1.5" for s in (1, 2, 3)]),
    ("pairs of those models (1+2, 1+3, 2+3), their masks averaged, with the views and post-filter",
     [f"ensembles/context-pitch8-15k-seeds{s}-x2-views2-wiener1.5" for s in ("12", "13", "23")],
     [f"ensembles/abjones-context-pitch8-15k-seeds{s}-x2-views2-wiener1.5" for s in ("12", "13", "23")]),
    # amy's pairs are of the 10,000-iteration seeds here (the runs the repetition prior was checked on)
    ("pairs heard 12 dB down, as the shipped model hears its input (from amy: the 10,000-iteration seeds' pairs)",
     [f"repetition/context-pitch8-10k-seeds{s}-x2-input-12-views2-wiener1.5-repet0" for s in ("12", "13", "23")],
     [f"repetition/abjones-context-pitch8-15k-seeds{s}-x2-input-12-views2-wiener1.5-repet0"
      for s in ("12", "13", "23")]),
    ("the same, with the repetition prior 0.25 (REPET-SIM as librosa's example runs it)",
     [f"repetition/context-pitch8-10k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.25" for s in ("12", "13", "23")],
     [f"repetition/abjones-context-pitch8-15k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.25"
      for s in ("12", "13", "23")]),
    ("the same, REPET-SIM's neighbours found by the networks' accompaniment, 1 s apart scaled to a clip's length",
     [f"repetition/context-pitch8-10k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.25-apart1scaled-guided"
      for s in ("12", "13", "23")],
     [f"repetition/abjones-context-pitch8-15k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.25-apart1scaled-guided"
      for s in ("12", "13", "23")]),
    ("the same, with weight 0.35 and REPET-SIM's vocals margin 5 (the shipped form: main.py's default)",
     [f"repetition/context-pitch8-10k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.35-apart1scaled-guided-margin5"
      for s in ("12", "13", "23")],
     [f"repetition/abjones-context-pitch8-15k-seeds{s}-x2-input-12-views2-wiener1.5-prior0.35-apart1scaled-guided-"
      "margin5" for s in ("12", "13", "23")]),
)


SEED_RUNS = ("dev/seed", "dev/abjones-seed")  # the ablation table's seed-recipe rows (11,000 iterations)


def gnsdr_means(names: list[str], summaries: list[dict] | None = None) -> dict[str, float]:
    """{source: mean GNSDR} over the scores summaries `names` (or over `summaries`, already read)."""
    summaries = [read_summary(n) for n in names] if summaries is None else summaries
    return {source: sum(s["scores"][source]["GNSDR"] for s in summaries) / len(summaries) for source in SOURCES}


def summary_gains() -> None:
    """What the README's In brief says of its summary: the change from the first SUMMARY stage to the
    last (the shipped form) in each direction, and from the seed recipe's 11,000-iteration runs."""
    first, last = SUMMARY[0], SUMMARY[-1]
    for direction, index, seed_run in (("amy -> abjones", 1, SEED_RUNS[0]), ("abjones -> amy", 2, SEED_RUNS[1])):
        shipped, start, seed = gnsdr_means(last[index]), gnsdr_means(first[index]), gnsdr_means([seed_run])
        print(f"- {direction}: vocals {shipped['vocals'] - start['vocals']:+.2f}, accompaniment "
              f"{shipped['accompaniment'] - start['accompaniment']:+.2f} from \"{first[0]}\"; vocals "
              f"{shipped['vocals'] - seed['vocals']:+.2f} from {seed_run}")


def summary_table() -> None:
    """The README's summary: each SUMMARY stage's vocals / accompaniment GNSDR in both directions,
    the mean over its runs, with the number of runs and the range of their vocals GNSDR."""
    def cell(names: list[str]) -> str:
        summaries = [read_summary(name) for name in names]
        vocals = [s["scores"]["vocals"]["GNSDR"] for s in summaries]
        spread = f"; vocals {min(vocals):.2f} to {max(vocals):.2f}" if len(names) > 1 else ""
        models = {len(s["model_dir"]) if isinstance(s["model_dir"], list) else 1 for s in summaries}  # evaluate.py's
        unit = "pair" if models == {2} else "run"
        means = gnsdr_means(names, summaries)
        return (f"{means['vocals']:.2f} / {means['accompaniment']:.2f} "
                f"({len(names)} {unit}{'s' * (len(names) > 1)}{spread})")

    print("| stage | amy -> abjones (43 clips): vocals / accompaniment GNSDR | "
          "abjones -> amy (132 clips): vocals / accompaniment GNSDR |")
    print("| --- | --- | --- |")
    for label, forward, reverse in SUMMARY:
        print(f"| {label} | {cell(forward)} | {cell(reverse)} |")


def compare(pairs: list[tuple[str, str]]) -> None:
    """Each NEW scores summary against its BASE (the same clips, another setting or run), then the
    mean change in each dev direction and, with both, the mean of the two (how the experiment log
    states a decision rule's numbers). NEW and BASE are read_summary names."""
    def cells(values: dict, source: str, form: str) -> str:
        return " / ".join(format(values[source, metric], form) for metric in METRICS)

    print("| new | against | vocals GNSDR / GSIR / GSAR | change | accompaniment GNSDR / GSIR / GSAR | change |")
    print("| --- | --- | --- | --- | --- | --- |")
    directions: dict[str, list[tuple[dict, dict, dict]]] = {}
    for new, base in pairs:
        new_summary, base_summary = read_summary(new), read_summary(base)
        if new_summary["list"] != base_summary["list"]:
            sys.exit(f"{new} and {base} were scored on different lists, so they do not compare")
        after, before, change = scores_of(new_summary), scores_of(base_summary), score_change(new_summary, base_summary)
        direction = "abjones -> amy" if reversed_direction(new_summary) else "amy -> abjones"
        directions.setdefault(direction, []).append((after, before, change))
        print(f"| `{new}` | `{base}` | {cells(after, 'vocals', '.2f')} | {cells(change, 'vocals', '+.3f')} | "
              f"{cells(after, 'accompaniment', '.2f')} | {cells(change, 'accompaniment', '+.3f')} |")
    changes = {}
    for direction, rows in directions.items():
        after, before, changes[direction] = (mean_of([row[i] for row in rows]) for i in range(3))
        print(f"- {direction}, mean of {len(rows)}: change vocals {cells(changes[direction], 'vocals', '+.3f')}, "
              f"accompaniment {cells(changes[direction], 'accompaniment', '+.3f')}; new vocals "
              f"{cells(after, 'vocals', '.2f')} against {cells(before, 'vocals', '.2f')}, accompaniment "
              f"{cells(after, 'accompaniment', '.2f')} against {cells(before, 'accompaniment', '.2f')}")
    if len(changes) == 2:
        both = mean_of(list(changes.values()))
        print(f"- over the two directions (the mean of their means): vocals GNSDR {both['vocals', 'GNSDR']:+.3f}, "
              f"accompaniment GNSDR {both['accompaniment', 'GNSDR']:+.3f}")


README_TABLES = {  # option -> the function that prints that table (with any lines after it, as DOCS have them)
    "": main, "--ensembles": ensembles, "--shipped": shipped, "--views": inference_views,
    "--per-clip": per_clip_choice, "--summary": summary_table}


def printed(table) -> list[str]:
    """What one of README_TABLES' functions prints, as lines."""
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        table()
    return text.getvalue().strip().split("\n")


DOCS = ("README.md", "experiments/README.md")  # where the tables stand: the README and the experiment log


def readme_block(docs: dict[str, list[str]], header: str, bullets: bool) -> tuple[str, int, int]:
    """Where the one copy of a table in `docs` (name -> lines) stands: the document, and the rows from
    the one that starts as `header`'s first two cells do, then, with `bullets` (the --views table has
    some), the "- " lines after one blank line."""
    key = "|".join(header.split("|")[:3]) + "|"
    starts = [(name, i) for name, lines in docs.items() for i, line in enumerate(lines) if line.startswith(key)]
    if len(starts) != 1:
        sys.exit(f"{len(starts)} tables in {' and '.join(docs)} start {key!r}, not one")
    name, start = starts[0]
    lines = docs[name]
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    if bullets and end + 1 < len(lines) and lines[end] == "" and lines[end + 1].startswith("- "):
        end += 1
        while end < len(lines) and lines[end].startswith("- "):
            end += 1
    return name, start, end


def readme_tables(update: bool) -> int:
    """Compare (or with `update`, replace) the copy of every table in DOCS; 1 when one differs."""
    docs = {name: (ROOT / name).read_text().split("\n") for name in DOCS if (ROOT / name).exists()}
    stale = []
    for option, table in README_TABLES.items():
        fresh = printed(table)
        name, start, end = readme_block(docs, fresh[0], bullets="" in fresh)
        if docs[name][start:end] != fresh:
            stale.append(f"ablation_table.py {option or '(no option)'} ({name})")
            docs[name][start:end] = fresh
    if update:
        from utils import atomic_write_text

        for name, lines in docs.items():
            atomic_write_text(ROOT / name, "\n".join(lines))  # a document whose tables are current is not touched
        print(f"{len(stale)} of {len(README_TABLES)} tables updated")
        return 0
    if stale:
        print(f"tables differ from: {', '.join(stale)} (python experiments/ablation_table.py --update-readme)")
        return 1
    print(f"{' and '.join(docs)} hold all {len(README_TABLES)} tables as the statistics give them")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] in (["-h"], ["--help"]):
        print(__doc__.strip())
    elif sys.argv[1:2] == ["--record"] and len(sys.argv) == 3:
        record(sys.argv[2])
    elif sys.argv[1:2] == ["--run-stats"] and len(sys.argv) == 3:
        print(json.dumps(run_stats(Path(sys.argv[2])), indent=1))
    elif sys.argv[1:2] == ["--compare"] and len(sys.argv) > 3 and len(sys.argv) % 2 == 0:
        compare(list(zip(sys.argv[2::2], sys.argv[3::2])))
    elif sys.argv[1:] == ["--summary-gains"]:
        summary_gains()
    elif sys.argv[1:] in (["--update-readme"], ["--check-readme"]):
        sys.exit(readme_tables(update=sys.argv[1] == "--update-readme"))
    elif len(sys.argv) <= 2 and (sys.argv[1:] or [""])[0] in README_TABLES:
        README_TABLES[(sys.argv[1:] or [""])[0]]()
    else:
        sys.exit("usage: python experiments/ablation_table.py [--record NAME | --run-stats MODEL_DIR | --ensembles | "
                 "--shipped | --views | --per-clip | --summary | --summary-gains | --update-readme | --check-readme | "
                 "--compare NEW BASE ...]")

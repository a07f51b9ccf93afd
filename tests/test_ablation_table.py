"""experiments/ablation_table.py on a made-up statistics/dev folder."""
from __future__ import annotations

import json

import pytest

from conftest import experiment


def write_scores(folder, name, views, power, vocals_nsdr):
    """A scores summary and per-clip CSV of model `run`, as evaluate.py writes them (the fields read)."""
    summary = dict(model_dir="runs/dev-run", list="data/dev-amy/valid.txt", pitch_views=views, mask_power=power)
    (folder / f"{name}_summary.json").write_text(json.dumps(summary))
    rows = [f"clip{i}.wav,{seconds},{nsdr}" for i, (seconds, nsdr) in enumerate(zip((1.0, 3.0), vocals_nsdr))]
    (folder / f"{name}_clips.csv").write_text("clip,seconds,vocals_nsdr\n" + "\n".join(rows) + "\n")


def test_per_clip_oracle_takes_each_clips_best_setting_and_weighs_clips_by_length(tmp_path, capsys):
    folder = tmp_path / "statistics" / "dev"
    folder.mkdir(parents=True)
    write_scores(folder, "run", [], 1.0, (4.0, 4.0))
    write_scores(folder, "run-views2-wiener1.5", [-2.0, 2.0], 1.5, (8.0, 5.0))  # best on the short clip
    write_scores(folder, "run-views4-wiener1.5", [-4.0, 4.0], 1.5, (2.0, 6.0))  # best on the long one
    ablation_table = experiment("ablation_table")
    ablation_table.ROOT = tmp_path
    ablation_table.per_clip_choice()
    row = capsys.readouterr().out.strip().splitlines()[-1]
    # clips of 1 and 3 s: views -2 +2 (the default) (8 + 3 * 5) / 4 = 5.75 beats views -4 +4's (2 + 3 * 6) / 4 = 5,
    # and the oracle takes 8 from the one and 6 from the other: (8 + 3 * 6) / 4 = 6.5
    assert row == "| `run` | 3 | 4.00 | 5.75 | 5.75 (views -2 +2, post-filter 1.5) | 6.50 (+0.75) |"


def test_run_stats_reads_the_step_and_times_and_averages_the_last_500_losses(tmp_path):
    run = tmp_path / "model"
    (run / "checkpoint").mkdir(parents=True)
    (run / "checkpoint" / "state.json").write_text(json.dumps(dict(step=600, wall_seconds=60.0, cpu_seconds=90.0)))
    losses = [10.0] * 100 + [1.0] * 250 + [3.0] * 250  # the first 100 steps are left out
    (run / "train_log.csv").write_text("step,train_loss,valid_loss\n" + "".join(
        f"{step},{loss},\n" for step, loss in enumerate(losses, 1)))
    stats = experiment("ablation_table").run_stats(run)
    assert stats == dict(step=600, wall_seconds=60.0, cpu_seconds=90.0, train_loss_last_500=2.0)


def test_experiment_scripts_answer_help_and_refuse_unknown_names_before_any_work(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    calls = tmp_path / "calls"
    recorder = tmp_path / "python"  # stands in for the venv's python: records each call, does nothing
    recorder.write_text(f"#!/bin/sh\necho \"$*\" >> {calls}\n")
    recorder.chmod(0o755)
    for script, known in (("ablation.sh", "context-pitch8-views2"), ("ensembles.sh", "abjones-context-pitch-x3")):
        helped = subprocess.run(["bash", f"experiments/{script}", "--help"], cwd=root, capture_output=True, text=True)
        assert helped.returncode == 0 and "Usage: bash experiments/" + script in helped.stdout
        refused = subprocess.run(["bash", f"experiments/{script}", known, "no-such-run"], cwd=root, text=True,
                                 capture_output=True, env={"PATH": "/usr/bin:/bin", "PY": str(recorder)})
        assert refused.returncode == 2 and "unknown name no-such-run" in refused.stderr
        assert "evaluate.py" not in (calls.read_text() if calls.exists() else "")  # the known name did not run
    for name in ("ablation_table.py", "tempo_views.py", "time_shift_views.py", "phase_iterations.py", "state_windows.py",
                 "mask_median.py", "level_views.py"):
        helped = subprocess.run([sys.executable, f"experiments/{name}", "--help"], cwd=root, capture_output=True,
                                text=True)
        assert helped.returncode == 0 and helped.stdout.strip(), name


def test_summary_averages_each_stages_runs_per_direction_and_counts_pairs(tmp_path, capsys):
    def scores(name, vocals, accompaniment):
        path = tmp_path / "statistics" / f"{name}_summary.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        model_dir = ["runs/dev-a", "runs/dev-b"] if name.startswith("ensembles/") else "runs/dev-a"  # as evaluate.py
        path.write_text(json.dumps(dict(model_dir=model_dir, scores=dict(vocals=dict(GNSDR=vocals),
                                                                         accompaniment=dict(GNSDR=accompaniment)))))

    scores("dev/a", 4.0, 1.0)
    scores("dev/b", 6.0, 2.0)
    scores("dev/c", 5.0, 7.0)
    scores("ensembles/a-b-x2", 5.5, 3.0)
    scores("ensembles/b-c-x2", 6.5, 4.0)
    ablation_table = experiment("ablation_table")
    ablation_table.ROOT = tmp_path
    ablation_table.SUMMARY = (("singles", ["dev/a", "dev/b"], ["dev/c"]),
                              ("pairs", ["ensembles/a-b-x2", "ensembles/b-c-x2"], ["ensembles/a-b-x2"]))
    ablation_table.summary_table()
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    assert rows == ["| singles | 5.00 / 1.50 (2 runs; vocals 4.00 to 6.00) | 5.00 / 7.00 (1 run) |",
                    "| pairs | 6.00 / 3.50 (2 pairs; vocals 5.50 to 6.50) | 5.50 / 3.00 (1 pair) |"]


def test_the_readme_holds_every_table_as_the_committed_statistics_give_it(capsys):
    # statistics/ is committed with the README: a number changed in one and not the other fails here
    assert experiment("ablation_table").readme_tables(update=False) == 0, capsys.readouterr().out


def test_update_readme_replaces_a_stale_table_and_its_bullets_and_nothing_else(tmp_path, capsys):
    ablation_table = experiment("ablation_table")
    ablation_table.ROOT = tmp_path
    table = ["| stage | amy -> abjones | abjones -> amy |", "| --- | --- | --- |", "| pairs | 6.00 | 5.50 |"]
    bullets = ["- pairs against singles: +0.50 dB"]
    ablation_table.README_TABLES = {"--summary": lambda: print("\n".join(table + [""] + bullets))}
    readme = tmp_path / "README.md"
    before, after = ["# title", "", "text"], ["", "more text", "| other | table |", "", "- prose, kept"]
    readme.write_text("\n".join(before + table[:2] + ["| pairs | 5.00 | 5.50 |", "", "- old bullet"] + after))
    assert ablation_table.readme_tables(update=False) == 1
    assert "--summary" in capsys.readouterr().out
    assert ablation_table.readme_tables(update=True) == 0
    assert readme.read_text() == "\n".join(before + table + [""] + bullets + after)
    assert ablation_table.readme_tables(update=False) == 0
    ablation_table.README_TABLES = {"": lambda: print("| other | table |")}  # no bullets of its own
    assert ablation_table.readme_tables(update=True) == 0 and readme.read_text().endswith("- prose, kept")


def test_update_readme_finds_each_table_in_the_readme_or_the_experiment_log(tmp_path, capsys):
    ablation_table = experiment("ablation_table")
    ablation_table.ROOT = tmp_path
    (tmp_path / "experiments").mkdir()
    readme, log = tmp_path / "README.md", tmp_path / "experiments" / "README.md"
    readme.write_text("# svsrnn\n\n| stage | dB |\n| --- | --- |\n| pairs | 6.00 |\n")
    log.write_text("# log\n\n| ensemble | dB |\n| --- | --- |\n| a+b | 4.00 |\n\nprose\n")
    ablation_table.README_TABLES = {"--summary": lambda: print("| stage | dB |\n| --- | --- |\n| pairs | 6.00 |"),
                                    "--ensembles": lambda: print("| ensemble | dB |\n| --- | --- |\n| a+b | 5.00 |")}
    assert ablation_table.readme_tables(update=False) == 1
    assert "--ensembles (experiments/README.md)" in capsys.readouterr().out
    before = readme.stat().st_mtime_ns
    assert ablation_table.readme_tables(update=True) == 0
    assert log.read_text() == "# log\n\n| ensemble | dB |\n| --- | --- |\n| a+b | 5.00 |\n\nprose\n"
    assert readme.stat().st_mtime_ns == before  # its table was current: not rewritten
    assert ablation_table.readme_tables(update=False) == 0
    readme.write_text(readme.read_text() + "\n| ensemble | dB |\n| --- | --- |\n")  # a second copy: which one?
    with pytest.raises(SystemExit, match="2 tables in README.md and experiments/README.md start"):
        ablation_table.readme_tables(update=False)


def test_compare_gives_each_change_and_the_mean_per_direction_and_over_both(tmp_path, capsys):
    def scores(name, split, vocals, accompaniment):  # (GNSDR, GSIR, GSAR) of each source
        summary = {"list": f"data/{split}/valid.txt",
                   "scores": {"vocals": dict(zip(("GNSDR", "GSIR", "GSAR"), vocals)),
                              "accompaniment": dict(zip(("GNSDR", "GSIR", "GSAR"), accompaniment))}}
        path = tmp_path / "statistics" / f"{name}_summary.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary))

    scores("dev/a", "dev-amy", (4, 10, 8), (3, 5, 12))
    scores("new/a", "dev-amy", (4.5, 11, 8), (3, 5, 12))
    scores("dev/b", "dev-amy", (5, 10, 8), (3, 5, 12))
    scores("new/b", "dev-amy", (5.3, 10, 7), (3.2, 5, 12))
    scores("dev/c", "dev-abjones", (6, 7, 13), (8, 15, 10))
    scores("new/c", "dev-abjones", (5.8, 7, 13), (8, 15, 10))
    ablation_table = experiment("ablation_table")
    ablation_table.ROOT = tmp_path
    ablation_table.compare([("new/a", "dev/a"), ("new/b", "dev/b"), ("new/c", "dev/c")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[2] == ("| `new/a` | `dev/a` | 4.50 / 11.00 / 8.00 | +0.500 / +1.000 / +0.000 | "
                        "3.00 / 5.00 / 12.00 | +0.000 / +0.000 / +0.000 |")
    assert lines[5].startswith("- amy -> abjones, mean of 2: change vocals +0.400 / +0.500 / -0.500, "
                               "accompaniment +0.100 / +0.000 / +0.000; new vocals 4.90 / 10.50 / 7.50 against")
    assert lines[6].startswith("- abjones -> amy, mean of 1: change vocals -0.200 / +0.000 / +0.000")
    # the two directions weigh alike, whatever their number of pairs: (0.4 - 0.2) / 2 and (0.1 + 0) / 2
    assert lines[7] == ("- over the two directions (the mean of their means): vocals GNSDR +0.100, "
                        "accompaniment GNSDR +0.050")
    scores("new/d", "dev-abjones", (1, 1, 1), (1, 1, 1))
    with pytest.raises(SystemExit, match="different lists"):
        ablation_table.compare([("new/d", "dev/a")])

import csv
from pathlib import Path

import numpy as np
import pytest

import train
from conftest import TINY
from model import CHECKPOINT_DIR, load_config, load_model, recipe_config
from utils import SvsError, read_json, read_list


def steps_in_log(model_dir):
    with open(model_dir / train.LOG_FILE) as handle:
        return [int(row["step"]) for row in csv.DictReader(handle)]


def test_train_checkpoints_loads_back_and_resumes(lists, tmp_path):
    model_dir = tmp_path / "model"
    files, valid = read_list(lists / "train.txt"), read_list(lists / "valid.txt")
    config = recipe_config("seed", **TINY, iterations=10)
    state = train.train(config, files, valid, model_dir, quiet=True, figure=tmp_path / "curve.png")
    assert state["step"] == 10
    for name in ("config.json", "model.weights.h5", f"{CHECKPOINT_DIR}/state.json", f"{CHECKPOINT_DIR}/optimizer.npz"):
        assert (model_dir / name).is_file(), name
    assert (tmp_path / "curve.png").stat().st_size > 0
    assert load_config(model_dir) == config
    before = load_model(model_dir)

    config.iterations = 20
    state = train.train(config, files, valid, model_dir, resume=True, quiet=True)
    assert state["step"] == 20
    assert steps_in_log(model_dir) == list(range(1, 21))  # continued from 10, not from 0
    after = load_model(model_dir)
    changed = [not np.allclose(a, b) for a, b in zip(before.get_weights(), after.get_weights())]
    assert any(changed)


def test_cli_resume_keeps_saved_config(lists, tmp_path):
    model_dir = tmp_path / "m"
    common = ["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"),
              "--model-dir", str(model_dir), "--figure", str(tmp_path / "f.png"), "--quiet"]
    tiny = ["--num-layers", "1", "--hidden-size", "8", "--frames", "6", "--batch-size", "2"]
    assert train.main(common + tiny + ["--iterations", "3", "--recipe", "seed", "--also-train-on-valid"]) == 0
    assert load_config(model_dir).mixing == "0db"  # from the huang2014 split.json
    # resumed without --also-train-on-valid: the run goes on with the clips it started with
    assert train.main(common + ["--resume", "--iterations", "5"]) == 0
    assert steps_in_log(model_dir) == [1, 2, 3, 4, 5]
    assert load_config(model_dir).hidden_size == 8
    state = read_json(model_dir / CHECKPOINT_DIR / "state.json")
    everything = read_list(lists / "train.txt") + read_list(lists / "valid.txt")
    assert [Path(f).resolve() for f in state["train_files"]] == everything and state["valid_files"] == []


def test_a_save_that_fails_on_a_full_disk_keeps_the_last_checkpoint_and_says_how_to_go_on(lists, tmp_path,
                                                                                          monkeypatch, capsys):
    import errno

    import model

    model_dir = tmp_path / "m"
    common = ["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"),
              "--model-dir", str(model_dir), "--quiet", "--recipe", "seed", "--num-layers", "1", "--hidden-size", "8",
              "--frames", "6", "--batch-size", "2", "--iterations", "6", "--checkpoint-every", "2"]
    savez, saved = np.savez, []

    def full_after_step_2(path, *arrays):  # the disk fills while the checkpoint of step 4 is written
        saved.append(path)
        if len(saved) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        savez(path, *arrays)

    monkeypatch.setattr(model.np, "savez", full_after_step_2)
    assert train.main(common) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the last complete checkpoint, step 2, is kept" in err
    assert "--resume" in err and "Traceback" not in err
    assert sorted(p.name for p in model_dir.iterdir() if p.name.startswith(".")) == []  # no temporary files left
    assert read_json(model_dir / CHECKPOINT_DIR / "state.json")["step"] == 2
    monkeypatch.setattr(model.np, "savez", savez)  # space freed
    assert train.main(common + ["--resume"]) == 0
    assert steps_in_log(model_dir) == list(range(1, 7))


def test_the_training_curve_goes_beside_a_model_trained_elsewhere_than_model(lists, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where figures/ would be written
    assert train.main(["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"),
                       "--model-dir", "trial", "--quiet", "--recipe", "seed", "--num-layers", "1",
                       "--hidden-size", "8", "--frames", "6", "--batch-size", "2", "--iterations", "2"]) == 0
    assert (tmp_path / "trial" / "training_loss.png").is_file() and not (tmp_path / "figures").exists()


def test_replaced_when_written_keeps_the_old_file_when_writing_fails(tmp_path):
    from utils import replaced_when_written

    path = tmp_path / "weights"
    path.write_text("old")
    with pytest.raises(OSError):
        with replaced_when_written(path) as tmp:
            tmp.write_text("half")
            raise OSError("disk full")
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]
    with replaced_when_written(path) as tmp:
        tmp.write_text("new")
    assert path.read_text() == "new" and list(tmp_path.iterdir()) == [path]


def test_resume_without_a_readable_checkpoint_is_a_clear_error(lists, tmp_path, capsys):
    code = train.main(["--resume", "--model-dir", str(tmp_path / "none"), "--train-list", str(lists / "train.txt")])
    assert code == 1
    assert "nothing to resume" in capsys.readouterr().err
    damaged = tmp_path / "damaged" / CHECKPOINT_DIR
    damaged.mkdir(parents=True)
    (damaged / "state.json").write_text('{"step": ')
    code = train.main(["--resume", "--model-dir", str(damaged.parent), "--train-list", str(lists / "train.txt")])
    assert code == 1
    assert f"cannot resume: {damaged / 'state.json'} is damaged" in capsys.readouterr().err


@pytest.mark.parametrize("members", [1, 2])
def test_interrupted_training_saves_a_checkpoint(lists, tmp_path, members):
    import signal
    import subprocess
    import sys
    import time

    from config import member_dir
    from conftest import ROOT

    model_dir = tmp_path / "m"
    folders = [model_dir] + [member_dir(model_dir, k) for k in range(1, members)]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "train.py"), "--recipe", "seed", "--iterations", "100000", "--quiet",
         "--num-layers", "1", "--hidden-size", "8", "--frames", "4", "--batch-size", "2", "--members", str(members),
         "--checkpoint-every", "100000", "--model-dir", str(model_dir), "--figure", str(tmp_path / "f.png"),
         "--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not all(
            (folder / train.LOG_FILE).exists() and len(steps_in_log(folder)) >= 5 for folder in folders):
        time.sleep(0.2)  # until every model has done some steps
    process.send_signal(signal.SIGTERM)  # the members are stopped by this process, not by the signal
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 130, output
    import json
    for folder in folders:
        step = json.loads((folder / CHECKPOINT_DIR / "state.json").read_text())["step"]
        assert 0 < step < 100000
        assert steps_in_log(folder)[-1] == step
    assert "checkpoint saved at step" in output


def test_snapshots_keep_the_model_of_every_nth_step(lists, tmp_path):
    from separator import Separator

    model_dir = tmp_path / "m"
    common = ["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"),
              "--model-dir", str(model_dir), "--figure", str(tmp_path / "f.png"), "--quiet", "--recipe", "seed",
              "--num-layers", "1", "--hidden-size", "8", "--frames", "6", "--batch-size", "2",
              "--iterations", "4", "--checkpoint-every", "2"]
    assert train.main(common + ["--snapshot-every", "3"]) == 1  # not a multiple of the checkpoints
    assert train.main(common + ["--snapshot-every", "2"]) == 0
    assert sorted(p.name for p in (model_dir / "snapshots").iterdir()) == ["step-2", "step-4"]
    magnitude = np.abs(np.random.default_rng(0).standard_normal((20, 513))).astype(np.float32)
    first, last = (Separator(model_dir / "snapshots" / f"step-{n}", backend="onnx") for n in (2, 4))
    np.testing.assert_array_equal(last.vocals_mask(magnitude)[0], Separator(model_dir).vocals_mask(magnitude)[0])
    assert not np.array_equal(first.vocals_mask(magnitude)[0], last.vocals_mask(magnitude)[0])


def test_ema_saves_the_moving_average_of_the_weights(lists, tmp_path):
    with pytest.raises(SvsError, match="ema"):
        recipe_config("seed", ema=1.0)
    model_dir = tmp_path / "m"
    files = read_list(lists / "train.txt")
    config = recipe_config("seed", **{**TINY, "checkpoint_every": 1}, iterations=3, ema=0.5)
    train.train(config, files, [], model_dir, quiet=True, snapshot_every=1)

    def weights(folder):
        return load_model(folder).trainable_weights

    plain = [[w.numpy() for w in weights(model_dir / "snapshots" / f"step-{k}" / train.NO_EMA_DIR)]
             for k in (1, 2, 3)]
    average = plain[0]  # Keras' EMA: the first step copies the weights, then a <- m a + (1 - m) w
    for step, current in zip((2, 3), plain[1:]):
        average = [0.5 * a + 0.5 * w for a, w in zip(average, current)]
        saved = [w.numpy() for w in weights(model_dir / "snapshots" / f"step-{step}")]
        for a, s in zip(average, saved):
            np.testing.assert_allclose(s, a, rtol=1e-5, atol=1e-7)
    final = [w.numpy() for w in weights(model_dir)]
    for a, s in zip(average, final):
        np.testing.assert_allclose(s, a, rtol=1e-5, atol=1e-7)
    assert not all(np.allclose(a, w) for a, w in zip(average, plain[-1]))  # the average is not the last step

    config.iterations = 4  # resumed: the checkpoint carries the average on
    train.train(config, files, [], model_dir, resume=True, quiet=True)
    current = [w.numpy() for w in weights(model_dir / train.NO_EMA_DIR)]
    for a, w, s in zip(average, current, weights(model_dir)):
        np.testing.assert_allclose(s.numpy(), 0.5 * a + 0.5 * w, rtol=1e-5, atol=1e-7)


def test_phase_sensitive_training_samples_phase_sensitive_targets(lists, tmp_path, monkeypatch):
    seen = []
    sample = train.BatchSampler.sample

    def recording_sample(self, *args, **kwargs):
        seen.append(kwargs.get("phase_sensitive", False))
        return sample(self, *args, **kwargs)

    monkeypatch.setattr(train.BatchSampler, "sample", recording_sample)
    files, valid = read_list(lists / "train.txt"), read_list(lists / "valid.txt")
    config = recipe_config("context", **TINY, iterations=10, phase_sensitive=True)
    train.train(config, files, valid, tmp_path / "model", quiet=True)
    assert len(seen) == 12 and all(seen)  # 10 training batches and 2 validation batches
    assert load_config(tmp_path / "model").phase_sensitive


@pytest.mark.parametrize("masking", ["frequency_mask", "time_mask"])
def test_input_masking_hides_bands_or_frames_in_every_training_step(lists, tmp_path, monkeypatch, masking):
    seen = []
    make_train_step = train.make_train_step

    def recording_make_train_step(*args, **kwargs):
        step = make_train_step(*args, **kwargs)

        def recording_step(*batch):
            seen.append(np.asarray(batch[4]) if len(batch) > 4 else None)
            return step(*batch)
        return recording_step

    monkeypatch.setattr(train, "make_train_step", recording_make_train_step)
    files, valid = read_list(lists / "train.txt"), read_list(lists / "valid.txt")
    config = recipe_config("context", **TINY, iterations=6, **{masking: 3})
    train.train(config, files, valid, tmp_path / "model", quiet=True)
    assert len(seen) == 6
    along = 2 if masking == "frequency_mask" else 1  # bins or frames
    for keep in seen:
        assert keep.shape == (config.batch_size, config.frames, 513)
        hidden = keep == 0
        assert (hidden.all(axis=3 - along) == hidden.any(axis=3 - along)).all()  # whole bands, or whole frames
        assert hidden.any(axis=3 - along).sum(axis=1).max() <= 6  # two spans of up to 3
    assert any((keep == 0).any() for keep in seen)
    assert getattr(load_config(tmp_path / "model"), masking) == 3
    with pytest.raises(SvsError, match=masking):
        recipe_config("context", **{masking: -1})
    seen.clear()
    train.train(recipe_config("context", **TINY, iterations=2), files, valid, tmp_path / "plain", quiet=True)
    assert seen == [None, None]  # off by default: the network hears every bin


def test_weight_decay_takes_lr_times_decay_of_each_weight_every_step():
    import keras
    with pytest.raises(SvsError, match="weight_decay"):
        recipe_config("seed", weight_decay=-0.1)

    def after_zero_gradient_steps(config, steps=3):
        variable = keras.Variable(np.array([1.0, -2.0], np.float32))
        optimizer = train.make_optimizer(config)
        for _ in range(steps):
            optimizer.apply_gradients([(np.zeros(2, np.float32), variable)])
        return variable.numpy()

    config = recipe_config("seed", learning_rate=0.01, weight_decay=2.0)
    np.testing.assert_allclose(after_zero_gradient_steps(config), np.array([1.0, -2.0]) * (1 - 0.02) ** 3, rtol=1e-6)
    np.testing.assert_allclose(after_zero_gradient_steps(recipe_config("seed")), [1.0, -2.0])  # off by default


def test_clip_norm_scales_each_steps_gradients_to_the_global_norm():
    import keras
    with pytest.raises(SvsError, match="clip_norm"):
        recipe_config("seed", clip_norm=-1.0)
    steps = [[np.array([3.0, 4.0]), np.array([12.0])],  # global norm 13: scaled down to 1
             [np.array([0.1, 0.0]), np.array([0.2])]]  # below 1: as it is

    def run(optimizer, clip):
        variables = [keras.Variable(np.zeros(2)), keras.Variable(np.zeros(1))]
        for gradients in steps:
            norm = np.sqrt(sum(np.sum(g ** 2) for g in gradients))
            scale = min(1.0, clip / norm) if clip else 1.0
            optimizer.apply_gradients([(g * scale, v) for g, v in zip(gradients, variables)])
        return [v.numpy() for v in variables]

    clipped = run(train.make_optimizer(recipe_config("seed", clip_norm=1.0)), clip=None)
    by_hand = run(train.make_optimizer(recipe_config("seed")), clip=1.0)
    plain = run(train.make_optimizer(recipe_config("seed")), clip=None)
    for c, h in zip(clipped, by_hand):
        np.testing.assert_allclose(c, h, rtol=1e-6)
    assert not np.allclose(np.concatenate(clipped), np.concatenate(plain))  # Adam alone would differ


def test_warmup_raises_the_learning_rate_from_zero_then_the_cosine_decays_it():
    schedule = train.learning_rate_schedule(recipe_config("context", iterations=1000, warmup=100))
    rates = {step: float(schedule(step)) for step in (0, 50, 100, 550, 1000)}
    assert rates[0] == 0.0 and rates[50] == pytest.approx(5e-4) and rates[100] == pytest.approx(1e-3)
    assert rates[550] == pytest.approx(1e-3 * (0.01 + 0.99 * 0.5), rel=1e-4)  # half-way through the cosine
    assert rates[1000] == pytest.approx(1e-5)
    plain = train.learning_rate_schedule(recipe_config("context", iterations=1000))
    assert float(plain(0)) == pytest.approx(1e-3)  # off by default
    for bad in (dict(warmup=-1), dict(warmup=1000), dict(warmup=10, lr_schedule="constant")):
        with pytest.raises(SvsError, match="warmup"):
            recipe_config("context", iterations=1000, **bad)


def test_training_augmentation_takes_every_augmentation_setting_from_the_config():
    config = recipe_config("context", voice_gain_db=7.0, remix_probability=0.25, eq_db=3.0, formant_shift=2.0,
                           frequency_mask=16, time_mask=5, reverse_probability=0.5,
                           second_accompaniment=0.75)
    augmentation = train.training_augmentation(config)
    assert (augmentation.voice_gain_db, augmentation.remix_probability, augmentation.eq_db, augmentation.formant_shift,
            augmentation.frequency_mask, augmentation.time_mask, augmentation.reverse_probability,
            augmentation.second_accompaniment) == (7.0, 0.25, 3.0, 2.0, 16, 5, 0.5, 0.75)
    assert augmentation.level_db == (-30.0, 6.0)  # not a config setting: the Augmentation default
    assert train.training_augmentation(recipe_config("seed")) is None


def test_members_train_at_once_with_their_own_seeds_and_separate_as_one_ensemble(lists, tmp_path):
    import dataclasses
    import shutil

    from config import member_dirs
    from separator import Ensemble, load_separator

    model_dir = tmp_path / "m"
    common = ["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"),
              "--model-dir", str(model_dir), "--figure", str(tmp_path / "f.png"), "--quiet"]
    tiny = ["--num-layers", "1", "--hidden-size", "8", "--frames", "6", "--batch-size", "2", "--seed", "3"]
    assert train.main(common + tiny + ["--iterations", "3", "--members", "2", "--also-train-on-valid"]) == 0
    second = model_dir / "member-1"
    first_config, second_config = load_config(model_dir), load_config(second)
    assert (first_config.members, first_config.seed, second_config.members, second_config.seed) == (2, 3, 1, 4)
    assert dataclasses.replace(second_config, members=2, seed=3) == first_config  # the same recipe otherwise
    assert steps_in_log(second) == [1, 2, 3]
    assert not all(np.allclose(a, b) for a, b in zip(load_model(model_dir).get_weights(),
                                                      load_model(second).get_weights()))
    assert member_dirs(model_dir) == [model_dir, second]
    separator = load_separator(model_dir, pitch_views=(), repet_weight=0, backend="tensorflow")
    assert isinstance(separator, Ensemble) and len(separator.members) == 2

    # resumed, both go on from their checkpoints with the clips they started with
    assert train.main(common + ["--resume", "--iterations", "5"]) == 0
    assert steps_in_log(model_dir) == steps_in_log(second) == [1, 2, 3, 4, 5]
    state = read_json(second / CHECKPOINT_DIR / "state.json")
    assert state["step"] == 5 and state["valid_files"] == []

    shutil.rmtree(second)
    with pytest.raises(SvsError, match="member-1 has no model"):
        load_separator(model_dir)


def test_a_member_that_fails_is_reported_while_the_first_model_trains_on(lists, tmp_path):
    import signal
    import subprocess
    import sys

    from config import member_dir
    from conftest import ROOT

    model_dir = tmp_path / "m"
    command = [sys.executable, str(ROOT / "train.py"), "--recipe", "seed", "--quiet", "--num-layers", "1",
               "--hidden-size", "8", "--frames", "4", "--batch-size", "2", "--model-dir", str(model_dir),
               "--figure", str(tmp_path / "f.png"), "--train-list", str(lists / "train.txt"),
               "--valid-list", str(lists / "valid.txt")]
    assert train.main(command[2:] + ["--iterations", "1", "--members", "2"]) == 0
    (member_dir(model_dir, 1) / CHECKPOINT_DIR / "state.json").write_text("not a checkpoint")
    # resumed for a long run: the second model fails at its start, and the first one says so at once
    process = subprocess.Popen(command + ["--resume", "--iterations", "100000"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("warning:"):
            break
    still_training = process.poll() is None
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    output = "".join(lines) + process.stdout.read()  # (communicate() would skip what the loop has buffered)
    assert still_training, output
    assert f"warning: {member_dir(model_dir, 1)} stopped (exit 1) while the others train on" in output
    assert "state.json is damaged" in output.split("warning:")[1]  # the end of the member's output: the cause
    assert process.returncode == 130


def test_help_gives_each_hyperparameters_default_in_every_recipe(monkeypatch):
    monkeypatch.setitem(train.RECIPES, "third", dict(frames=7))  # a recipe the help must follow, not a fixed text
    helps = {action.dest: action.help for action in train.build_parser()._actions}
    context = train.RECIPES[train.DEFAULT_RECIPE]
    assert helps["frames"] == f"default {context['frames']} (context), 10 (seed), 7 (third)"
    assert helps["augment"] == "default on (context), off (seed), off (third)"
    assert helps["hidden_size"] == "default 256 in every recipe"
    assert "split.json" in helps["mixing"]


def test_utils_plots_the_log_or_says_to_train_first(tmp_path, capsys):
    import utils

    figure = tmp_path / "curve.png"
    assert utils.main(["--log", str(tmp_path / "none.csv"), "--output", str(figure)]) == 1
    assert "train a model first" in capsys.readouterr().err and not figure.exists()
    (tmp_path / "log.csv").write_text("step,train_loss,valid_loss\n1,2.0,\n2,1.5,1.7\n")
    assert utils.main(["--log", str(tmp_path / "log.csv"), "--output", str(figure)]) == 0
    assert figure.stat().st_size > 0


def test_init_from_starts_from_another_models_weights_and_refuses_a_different_network(lists, tmp_path, capsys):
    common = ["--train-list", str(lists / "train.txt"), "--valid-list", str(lists / "valid.txt"), "--quiet",
              "--recipe", "context", "--num-layers", "1", "--hidden-size", "8", "--frames", "6", "--batch-size", "2"]
    source, tuned, fresh = tmp_path / "source", tmp_path / "tuned", tmp_path / "fresh"
    assert train.main(common + ["--model-dir", str(source), "--iterations", "3", "--members", "2"]) == 0
    # a step at learning rate 1e-12 from the source: its weights (feature statistics included); member K from
    # source/member-K
    assert train.main(common + ["--model-dir", str(tuned), "--iterations", "1", "--learning-rate", "1e-12", "--members", "2",
                                "--init-from", str(source), "--seed", "5"]) == 0
    for index in (0, 1):
        pair = [load_model(d if index == 0 else d / f"member-{index}").get_weights() for d in (source, tuned)]
        assert all(np.allclose(a, b, rtol=0, atol=1e-9) for a, b in zip(*pair)), index
    assert not all(np.array_equal(a, b) for a, b in zip(load_model(source).get_weights(),
                                                         load_model(source / "member-1").get_weights()))
    assert read_json(tuned / CHECKPOINT_DIR / "state.json")["init_from"].endswith("source")
    # the same run without it starts elsewhere
    assert train.main(common + ["--model-dir", str(fresh), "--iterations", "1", "--learning-rate", "1e-12", "--members", "1", "--seed", "5"]) == 0
    assert not all(np.allclose(a, b, rtol=0, atol=1e-3) for a, b in zip(load_model(source).get_weights(),
                                                                         load_model(fresh).get_weights()))
    capsys.readouterr()
    assert train.main(common[:-6] + ["--hidden-size", "16", "--frames", "6", "--batch-size", "2", "--members", "1",
                                     "--model-dir", str(tmp_path / "other"), "--init-from", str(source)]) == 1
    assert "hidden_size 8 there, 16 here" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
    assert train.main(common + ["--model-dir", str(tuned), "--resume", "--init-from", str(source)]) == 1
    assert "not with --resume" in capsys.readouterr().err


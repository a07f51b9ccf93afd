import dataclasses
import signal

import numpy as np
import pytest
import soundfile as sf

import adapt
import main
import train
from conftest import SAMPLE_RATE, experiment, synthetic_sources
from model import CHECKPOINT_DIR, load_config, load_model
from utils import SvsError, read_json, read_list


def write_stems(folder, name, accompaniment, vocals):
    folder.mkdir(parents=True, exist_ok=True)
    for k, stem in ((1, accompaniment), (2, vocals)):  # main.py's names: src1 the accompaniment, src2 the vocals
        sf.write(folder / f"{name}_src{k}.wav", stem, SAMPLE_RATE, subtype="FLOAT")


def test_pseudo_clips_put_the_accompaniment_left_and_the_vocals_right_and_stop_at_the_cap(tmp_path):
    rng = np.random.default_rng(0)
    stems, songs = tmp_path / "stems", {}
    for name in ("a", "b", "c"):
        songs[name] = rng.standard_normal(SAMPLE_RATE).astype(np.float32), rng.standard_normal(SAMPLE_RATE)
        write_stems(stems, name, *songs[name])
    listing, seconds = adapt.pseudo_clips(list(songs), stems, tmp_path / "all")
    assert seconds == 3.0
    assert [f.name for f in read_list(listing)] == ["a.wav", "b.wav", "c.wav"]
    for name, (accompaniment, vocals) in songs.items():
        stereo, rate = sf.read(tmp_path / "all" / f"{name}.wav", dtype="float32")
        assert rate == SAMPLE_RATE
        assert np.array_equal(stereo[:, 0], accompaniment) and np.allclose(stereo[:, 1], vocals, atol=1e-7)
    assert read_json(tmp_path / "all" / "split.json")["mixing"] == "0db"
    # 1.5 s of 3: two songs, the second cut to half a second
    capped, seconds = adapt.pseudo_clips(list(songs), stems, tmp_path / "capped", max_seconds=1.5)
    capped = read_list(capped)
    assert len(capped) == 2 and seconds == 1.5
    assert [sf.info(str(f)).frames for f in capped] == [SAMPLE_RATE, SAMPLE_RATE // 2]
    write_stems(stems, "d", np.zeros(800), np.zeros(700))
    with pytest.raises(SvsError, match="d: the stems"):
        adapt.pseudo_clips(["d"], stems, tmp_path / "bad")


def test_adapt_trains_each_network_from_its_weights_on_the_songs_stems_and_main_separates_with_it(
        tiny_model, tmp_path, capsys):
    songs = tmp_path / "songs"
    songs.mkdir()
    for seed in (1, 2):
        accompaniment, vocals = synthetic_sources(3.0, seed)
        sf.write(songs / f"song{seed}.wav", accompaniment + vocals, SAMPLE_RATE)
    adapted = tmp_path / "adapted"
    common = [str(songs), "--model", str(tiny_model), "--output-model", str(adapted), "--quiet"]
    assert adapt.main(common + ["--iterations", "3"]) == 0
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # train.py and main.py put `kill`'s handler back
    teacher, student = load_config(tiny_model), load_config(adapted)
    assert student == dataclasses.replace(teacher, iterations=3, learning_rate=adapt.LEARNING_RATE)
    state = read_json(adapted / CHECKPOINT_DIR / "state.json")
    assert state["step"] == 3 and state["init_from"].endswith(tiny_model.name)
    assert sorted(f.rsplit("/", 1)[-1] for f in state["train_files"]) == ["song1.wav", "song2.wav"]
    assert not (adapted / "adapt-data").exists()  # the stems go once training is done
    changed = [not np.allclose(a, b) for a, b in zip(load_model(tiny_model).get_weights(),
                                                     load_model(adapted).get_weights())]
    assert any(changed)
    out = capsys.readouterr().out
    assert "python main.py" in out and "the stems of 2 of 2 file(s), 6.0 s of audio" in out
    assert main.main([str(songs), "--model", str(adapted), "--output-dir", str(tmp_path / "out"), "--quiet"]) == 0
    assert len(list((tmp_path / "out").glob("*.wav"))) == 6
    # the same command again has nothing to do; more steps go on from the checkpoint
    assert adapt.main(common + ["--iterations", "3"]) == 0
    assert "already adapted (3 steps)" in capsys.readouterr().out
    assert adapt.main(common + ["--iterations", "2"]) == 0  # fewer than done: nothing to do either
    assert "already adapted (3 steps)" in capsys.readouterr().out
    assert adapt.main(common + ["--iterations", "5", "--keep-data"]) == 0
    assert read_json(adapted / CHECKPOINT_DIR / "state.json")["step"] == 5
    assert (adapted / "adapt-data" / "clips" / "song1.wav").is_file()


def test_adapt_refuses_bad_input_before_any_work(tiny_model, tmp_path, capsys):
    assert adapt.main([str(tmp_path), "--model", str(tiny_model), "--output-model", str(tiny_model)]) == 1
    assert "must differ" in capsys.readouterr().err
    assert adapt.main([str(tmp_path), "--model", str(tmp_path / "none"), "--output-model", str(tmp_path / "o")]) == 1
    assert "no model in" in capsys.readouterr().err
    assert adapt.main([str(tmp_path), "--model", str(tiny_model), "--output-model", str(tmp_path / "o")]) == 1
    assert "no audio files" in capsys.readouterr().err
    assert adapt.main([str(tmp_path), "--model", str(tiny_model), "--output-model", str(tmp_path / "o"),
                       "--max-minutes", "0"]) == 1
    assert "--max-minutes" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_self_training_experiment_trains_students_with_each_teachers_recipe(tiny_model, tmp_path):
    module = experiment("self_training")
    listing = tmp_path / "train.txt"
    arguments = module.student_arguments(tiny_model, listing, tmp_path / "student", 7, 3e-5)
    assert arguments[0] == "train.py"
    args = train.build_parser().parse_args(arguments[1:])
    assert args.init_from == tiny_model and args.train_list == listing
    expected = dataclasses.replace(load_config(tiny_model), iterations=7, learning_rate=3e-5, members=1)
    assert train.config_from_args(args) == expected


def test_adapt_stopped_while_training_says_the_same_command_goes_on(tiny_model, tmp_path, monkeypatch, capsys):
    songs = tmp_path / "songs"
    songs.mkdir()
    accompaniment, vocals = synthetic_sources(2.0, 1)
    sf.write(songs / "song.wav", accompaniment + vocals, SAMPLE_RATE)
    monkeypatch.setattr(train, "main", lambda argv: 130)  # train.py stopped by Ctrl-C, its checkpoints saved
    output = tmp_path / "adapted"
    assert adapt.main([str(songs), "--model", str(tiny_model), "--output-model", str(output), "--quiet"]) == 130
    assert "the same adapt.py command goes on" in capsys.readouterr().err
    assert (output / "adapt-data" / "clips" / "song.wav").is_file()  # kept for the run that goes on

import signal
import threading

import numpy as np
import pytest
import soundfile as sf

import main
import separator as separator_module
from conftest import SAMPLE_RATE, streamed, synthetic_sources
from separator import Separator, collect_inputs, output_paths
from utils import SvsError


def song(seconds=2.0, seed=5):
    accompaniment, vocals = synthetic_sources(seconds, seed)
    return accompaniment + vocals


def test_main_on_mp3_writes_three_files_of_input_length(tiny_model, tmp_path):
    sf.write(tmp_path / "tune.mp3", np.stack([song(), song()], axis=1) * 0.5, 44100)
    frames = sf.info(tmp_path / "tune.mp3").frames
    out = tmp_path / "out"
    assert main.main([str(tmp_path / "tune.mp3"), "--output-dir", str(out), "--model", str(tiny_model),
                      "--quiet"]) == 0
    for stem in ("mono", "src1", "src2"):
        info = sf.info(out / f"tune_{stem}.wav")
        assert (info.frames, info.samplerate, info.channels) == (frames, 44100, 2)
    assert main.main([str(tmp_path / "tune.mp3"), "--output-dir", str(out / "seed"), "--model", str(tiny_model),
                      "--sample-rate", "16000", "--mono", "--quiet"]) == 0
    info = sf.info(out / "seed" / "tune_src2.wav")
    assert (info.samplerate, info.channels) == (16000, 1)
    assert abs(info.frames - frames * 16000 / 44100) <= 1


@pytest.mark.parametrize("rate,channels", [(16000, 1), (44100, 2), (8000, 1), (96000, 3), (48000, 8)])
def test_stems_add_back_to_input(tiny_model, rate, channels):
    separator = Separator(tiny_model)
    t = np.arange(int(1.5 * rate)) / rate
    waveform = np.stack([np.sin(2 * np.pi * (220 + 50 * c) * t) * 0.3 for c in range(channels)]).astype(np.float32)
    waveform = waveform[0] if channels == 1 else waveform
    stems = separator.separate(waveform, rate)
    assert stems["vocals"].shape == stems["accompaniment"].shape == waveform.shape
    np.testing.assert_allclose(stems["vocals"] + stems["accompaniment"], waveform, atol=1e-5)
    assert 0 < np.abs(stems["vocals"]).max()  # the mask is not trivially all-accompaniment


def test_bad_inputs_are_reported_and_the_batch_goes_on(tiny_model, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    sf.write(inputs / "good.wav", song(), SAMPLE_RATE)
    (inputs / "empty.wav").write_bytes(b"")
    (inputs / "text.mp3").write_text("this is not audio")
    (inputs / "folder.flac").mkdir()
    sf.write(inputs / "tiny.wav", np.zeros(100, np.float32), SAMPLE_RATE)
    sf.write(inputs / "nan.wav", np.full(4000, np.nan, np.float32), SAMPLE_RATE, subtype="FLOAT")
    sf.write(tmp_path / "whole.mp3", song(4.0), SAMPLE_RATE)
    (inputs / "cut.mp3").write_bytes((tmp_path / "whole.mp3").read_bytes()[:8000])
    out = tmp_path / "out"
    code = main.main([str(inputs), str(inputs / "folder.flac"), "--output-dir", str(out),
                      "--model", str(tiny_model), "--quiet"])
    assert code == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    for name in ("empty.wav", "text.mp3", "folder.flac", "tiny.wav", "nan.wav", "cut.mp3"):
        assert name in captured.out
    assert "6 of 7 files failed" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["good_mono.wav", "good_src1.wav", "good_src2.wav"]  # no .part


@pytest.mark.parametrize("free", [0, 2**30])
def test_a_write_that_fails_on_a_full_disk_says_so_and_leaves_no_partial_outputs(free, tiny_model, tmp_path,
                                                                                 monkeypatch, capsys):
    import shutil
    from types import SimpleNamespace

    sf.write(tmp_path / "s.wav", song(), SAMPLE_RATE)
    out = tmp_path / "out"

    def write_fails(self, data):  # what libsndfile says when the disk is full
        raise RuntimeError("System error.")

    monkeypatch.setattr(sf.SoundFile, "write", write_fails)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: SimpleNamespace(total=2**31, used=2**31 - free, free=free))
    assert main.main([str(tmp_path / "s.wav"), "--output-dir", str(out), "--model", str(tiny_model), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "RuntimeError: System error." in captured.out and "Traceback" not in captured.out + captured.err
    assert ("no space left in" in captured.out) == (free == 0)
    assert list(out.iterdir()) == []


def test_output_collisions_are_refused_before_work(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = [tmp_path / "a" / "x.wav", tmp_path / "b" / "x.mp3"]
    with pytest.raises(SvsError, match="both write"):
        output_paths(files, tmp_path / "out")
    with pytest.raises(SvsError, match="overwrite an input"):
        output_paths([tmp_path / "x_src1.wav", tmp_path / "x.wav"], tmp_path, fmt="wav")
    plan = output_paths(files[:1], tmp_path / "out", template="{name}/{stem}", fmt="flac", labels="names")
    assert plan[files[0]]["vocals"] == tmp_path / "out" / "x" / "vocals.flac"


def test_songs_without_mp3s_say_how_to_take_the_other_files(tiny_model, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main.main([]) == 1
    assert "no songs/ folder here: run main.py from the repository root" in capsys.readouterr().err
    (tmp_path / "songs").mkdir()
    assert main.main([]) == 1
    assert "no audio files to separate in songs/: put songs there" in capsys.readouterr().err
    (tmp_path / "album").mkdir()
    (tmp_path / "album" / "notes.txt").write_text("not audio")
    assert main.main(["album"]) == 1
    assert "no audio files to separate in the folder(s) named: album (.wav, .flac" in capsys.readouterr().err
    (tmp_path / "songs" / "take.flac").write_bytes(b"")  # not read: named in the message only by count
    assert main.main([]) == 1
    error = capsys.readouterr().err
    assert "songs/ has no .mp3 files" in error and "1 other audio file(s)" in error and "python main.py songs/" in error
    assert not (tmp_path / "demo").exists()
    (tmp_path / "songs" / "song.mp3").write_bytes(b"")  # unreadable: reported, after the note on the FLAC
    assert main.main(["--quiet", "--model", str(tiny_model)]) == 1
    error = capsys.readouterr().err
    assert "note: songs/ also holds 1 other audio file(s)" in error and "song.mp3: not a readable audio file" in error
    assert "take.flac" not in error  # the default did not try it


@pytest.mark.parametrize("option", [["--jobs", "0"], ["--sample-rate", "0"], ["--input-gain-db", "nan"],
                                    ["--pitch-views", "2", "inf"], ["--mask-power", "nan"]])
def test_impossible_options_are_usage_errors_before_any_work(option, tmp_path, capsys):
    import evaluate

    with pytest.raises(SystemExit) as exit_info:
        main.main([str(tmp_path / "none.wav"), "--output-dir", str(tmp_path / "out"), *option])
    assert exit_info.value.code == 2
    assert f"argument {option[0]}: must be" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    if option[0] in ("--jobs", "--input-gain-db", "--mask-power"):  # evaluate.py's too
        with pytest.raises(SystemExit):
            evaluate.main(["--list", str(tmp_path / "none.txt"), *option])
        assert f"argument {option[0]}: must be" in capsys.readouterr().err


def test_skip_existing_and_folder_collection(tiny_model, tmp_path):
    sf.write(tmp_path / "s.wav", song(), SAMPLE_RATE)
    (tmp_path / "notes.txt").write_text("ignored")
    assert collect_inputs([tmp_path]) == [tmp_path / "s.wav"]
    out = tmp_path / "out"
    args = [str(tmp_path / "s.wav"), "--output-dir", str(out), "--model", str(tiny_model), "--quiet"]
    assert main.main(args) == 0
    before = (out / "s_src2.wav").stat().st_mtime_ns
    assert main.main(args + ["--skip-existing"]) == 0
    assert (out / "s_src2.wav").stat().st_mtime_ns == before


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])  # Ctrl-C and `kill`
def test_an_interrupt_stops_the_batch_within_a_block_and_leaves_no_partial_outputs(
        number, tiny_model, tmp_path, monkeypatch, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        sf.write(inputs / f"{name}.wav", song(25.0), SAMPLE_RATE)  # three 10-second blocks each
    real = separator_module.separate_file

    def interrupted_during_b(separator, path, outputs, *args, progress=None, stop=None, **kwargs):
        def report(fraction):
            progress(fraction)
            if path.name == "b.wav":  # after its first block
                assert len(list(out.glob(".b_*.part"))) == 3  # its outputs are being written
                signal.pthread_kill(threading.main_thread().ident, number)
                assert stop.wait(10)  # the batch asks the file in progress to stop
        real(separator, path, outputs, *args, progress=report, stop=stop, **kwargs)

    monkeypatch.setattr(separator_module, "separate_file", interrupted_during_b)
    # Python's Ctrl-C handler, which a process started in the background (nohup, `&` in a script) lacks
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = main.main([str(inputs), "--output-dir", str(out), "--model", str(tiny_model), "--jobs", "1",
                          "--quiet"])
    finally:
        signal.signal(signal.SIGINT, before)
    assert code == 130
    assert "1 of 3 files written" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["a_mono.wav", "a_src1.wav", "a_src2.wav"]  # b's .part gone, c not begun
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # main put `kill`'s handler back


@pytest.mark.parametrize("model", ["tiny_model", "lookahead_model"])
@pytest.mark.parametrize("rate,channels", [(16000, 1), (44100, 2), (22050, 1)])
def test_streaming_in_blocks_equals_one_piece(model, rate, channels, request):
    model_dir = request.getfixturevalue(model)
    separator = Separator(model_dir, chunk_frames=37)  # GRU chunks that cut through blocks too
    calls, vocals_mask = [], separator.vocals_mask
    separator.vocals_mask = lambda magnitude, states: calls.append(len(magnitude)) or vocals_mask(magnitude, states)
    t = np.arange(int(3.1 * rate)) / rate
    waveform = np.stack([np.sin(2 * np.pi * (300 + 40 * c) * t * (1 + 0.2 * t)) * 0.4
                         for c in range(channels)]).astype(np.float32)
    whole = Separator(model_dir).separate(waveform, rate)
    vocals, _ = streamed(separator, waveform, rate, rate // 2, seed=0)
    assert vocals.shape == waveform.shape
    error = np.linalg.norm(vocals - whole["vocals"]) / np.linalg.norm(whole["vocals"])
    assert error < 1e-4
    # the GRU only ever gets whole chunks, except for the rest at the end: no chunk is mostly padding
    assert len(calls) > 1 and all(n % 37 == 0 for n in calls[:-1])


def test_16k_mono_matches_librosa_masking(tiny_model):
    from preprocess import istft, stft

    separator = Separator(tiny_model)
    waveform = song(2.3)
    spectrogram = stft(waveform)
    mask, _ = separator.vocals_mask(np.abs(spectrogram))
    expected = istft(mask * spectrogram, length=len(waveform))
    np.testing.assert_allclose(separator.separate(waveform, SAMPLE_RATE)["vocals"], expected, atol=2e-5)


@pytest.mark.parametrize("seconds", [2.3, 0.07])  # 0.07 s: 5 frames, fewer than lookahead + 3
def test_lookahead_masks_each_frame_with_the_output_d_steps_later(lookahead_model, seconds):
    from preprocess import istft, stft

    separator = Separator(lookahead_model)
    assert separator.config.lookahead == 3
    waveform = song(seconds)
    spectrogram = stft(waveform)
    silence_after = np.zeros((3, spectrogram.shape[1]), np.float32)
    steps, _ = separator.vocals_mask(np.concatenate([np.abs(spectrogram), silence_after]))
    expected = istft(steps[3:] * spectrogram, length=len(waveform))
    np.testing.assert_allclose(separator.separate(waveform, SAMPLE_RATE)["vocals"], expected, atol=2e-5)
    unaligned = istft(steps[:-3] * spectrogram, length=len(waveform))
    assert np.max(np.abs(unaligned - expected)) > 1e-3


def test_window_sum_normaliser_equals_direct_overlap_add():
    from separator import _hann, _window_sum

    window, hop = _hann(16), 4
    for frames, a, b in [(10, 0, 40), (10, 3, 47), (3, 0, 16), (50, 37, 190), (1, 0, 8)]:
        direct = np.zeros(b - a)
        for k in range(frames):  # frame k covers samples k * hop - 8 .. k * hop + 7
            for i in range(16):
                if a <= k * hop - 8 + i < b:
                    direct[k * hop - 8 + i - a] += window[i] ** 2
        np.testing.assert_allclose(_window_sum(window, hop, frames, a, b), direct, atol=1e-6)


def test_help_does_not_load_tensorflow():
    import subprocess
    import sys

    code = "import sys, main; main.build_parser(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=main.__file__.rsplit("/", 1)[0])
    assert result.stdout.strip() == "False", result.stderr


def test_wiener_style_post_filter_sharpens_the_mask(tiny_model):
    magnitude = np.abs(np.random.default_rng(2).standard_normal((300, 513))).astype(np.float32)
    plain, _ = Separator(tiny_model, mask_power=1.0).vocals_mask(magnitude)
    sharp, _ = Separator(tiny_model, mask_power=2.0).vocals_mask(magnitude)
    expected = plain ** 2 / (plain ** 2 + (1 - plain) ** 2)
    np.testing.assert_allclose(sharp, expected, rtol=1e-5, atol=1e-7)
    assert np.all(np.abs(sharp - 0.5) >= np.abs(plain - 0.5) - 1e-6)  # further from undecided
    with pytest.raises(SvsError):
        Separator(tiny_model, mask_power=0.0)


def saved_model(directory, seed, **config):
    from model import Config, build_model, save_model

    model = build_model(Config(**config))
    rng = np.random.default_rng(seed)
    for variable in model.trainable_variables:  # random weights that are not Keras' initial ones
        variable.assign(0.3 * rng.standard_normal(variable.shape).astype(np.float32))
    model.set_feature_statistics(np.abs(rng.standard_normal((50, 513))))
    save_model(model, directory)
    return directory


@pytest.mark.parametrize("features,head_skip", [("raw", False), ("log", False), ("log", True)])
def test_onnx_backend_equals_tensorflow(tmp_path, features, head_skip):
    model_dir = saved_model(tmp_path, 0, num_layers=2, hidden_size=16, features=features, head_skip=head_skip)
    onnx = Separator(model_dir, chunk_frames=37, backend="onnx")
    keras = Separator(model_dir, chunk_frames=37, backend="tensorflow")
    assert (onnx.backend, keras.backend) == ("onnx", "tensorflow")
    magnitude = np.abs(np.random.default_rng(1).standard_normal((100, 513))).astype(np.float32)
    states = [0.1 * np.ones((1, 16), np.float32)] * 2
    (mask, final), (expected, expected_final) = onnx.vocals_mask(magnitude, states), keras.vocals_mask(magnitude, states)
    np.testing.assert_allclose(mask, expected, atol=1e-4)  # float32 sums in another order
    for got, want in zip(final, expected_final):
        np.testing.assert_allclose(got, want, atol=1e-4)
    waveform = np.stack([song(1.5, seed=1), song(1.5, seed=2)])
    np.testing.assert_allclose(onnx.separate(waveform, 22050)["vocals"], keras.separate(waveform, 22050)["vocals"],
                               atol=1e-4)


def test_auto_backend_uses_onnx_only_when_exported_from_these_weights(tmp_path):
    import shutil

    from config import ONNX_FILE, WEIGHTS_FILE

    model_dir = saved_model(tmp_path / "model", 0, num_layers=1, hidden_size=8, features="log")
    other = saved_model(tmp_path / "other", 1, num_layers=1, hidden_size=8, features="log")
    assert Separator(model_dir).backend == "onnx"
    shutil.copy(other / WEIGHTS_FILE, model_dir / WEIGHTS_FILE)  # new weights, old model.onnx
    with pytest.raises(SvsError, match="other weights"):
        Separator(model_dir, backend="onnx")
    fallback = Separator(model_dir)
    assert fallback.backend == "tensorflow"  # and it exports model.onnx again for these weights
    renewed = Separator(model_dir)
    assert renewed.backend == "onnx"
    magnitude = np.abs(np.random.default_rng(2).standard_normal((40, 513))).astype(np.float32)
    np.testing.assert_allclose(renewed.vocals_mask(magnitude)[0], fallback.vocals_mask(magnitude)[0], atol=1e-4)
    np.testing.assert_array_equal(renewed.vocals_mask(magnitude)[0], Separator(other).vocals_mask(magnitude)[0])
    (model_dir / ONNX_FILE).write_bytes(b"not a model")
    assert Separator(model_dir, backend="tensorflow").backend == "tensorflow"
    assert (model_dir / ONNX_FILE).read_bytes() == b"not a model"  # an explicit backend writes nothing
    with pytest.raises(SvsError, match="cannot be loaded"):
        Separator(model_dir, backend="onnx")
    (model_dir / ONNX_FILE).unlink()
    with pytest.raises(SvsError, match="no .*model.onnx"):
        Separator(model_dir, backend="onnx")
    with pytest.raises(SvsError, match="unknown backend"):
        Separator(model_dir, backend="torch")


def test_main_with_an_exported_model_never_imports_tensorflow(tiny_model, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    sf.write(tmp_path / "s.wav", song(), SAMPLE_RATE)
    code = (f"import sys, main; code = main.main([{str(tmp_path / 's.wav')!r}, '--output-dir', "
            f"{str(tmp_path / 'out')!r}, '--model', {str(tiny_model)!r}, '--quiet']); "
            "print(code, 'tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.split() == ["0", "False"], result.stderr[-2000:]
    assert (tmp_path / "out" / "s_src2.wav").is_file()


@pytest.mark.parametrize("channels", [1, 2, 3, 8])
def test_downmix_is_the_channel_mean(channels):
    from separator import _downmix

    interleaved = np.random.default_rng(channels).standard_normal((1000, channels)).astype(np.float32)
    np.testing.assert_allclose(_downmix(interleaved.T), interleaved.mean(axis=1), rtol=1e-6, atol=1e-7)


def test_input_gain_scales_what_the_network_hears(tmp_path):
    model_dir = saved_model(tmp_path, 3, num_layers=1, hidden_size=8, features="log", input_gain_db=-12.0)
    magnitude = np.abs(np.random.default_rng(4).standard_normal((60, 513))).astype(np.float32)
    original = magnitude.copy()
    separator = Separator(model_dir, backend="onnx")  # the model's own gain, from its config.json
    assert separator.input_gain_db == -12.0
    mask, _ = separator.vocals_mask(magnitude)
    np.testing.assert_array_equal(magnitude, original)  # the caller's array is left alone
    unscaled = Separator(model_dir, backend="onnx", input_gain_db=0.0)
    np.testing.assert_allclose(mask, unscaled.vocals_mask(magnitude * np.float32(10 ** (-12 / 20)))[0],
                               rtol=1e-5, atol=1e-6)
    assert not np.allclose(mask, unscaled.vocals_mask(magnitude)[0], atol=1e-3)  # the level matters
    with pytest.raises(SvsError, match="finite"):
        Separator(model_dir, backend="onnx", input_gain_db=float("nan"))


def test_ensemble_mask_is_the_mean_of_its_members_post_filtered_once(tmp_path, lookahead_model):
    from separator import Ensemble, post_filter

    first = saved_model(tmp_path / "a", 0, num_layers=1, hidden_size=8, features="log")
    second = saved_model(tmp_path / "b", 1, num_layers=2, hidden_size=16, features="raw")  # sizes may differ
    magnitude = np.abs(np.random.default_rng(3).standard_normal((150, 513))).astype(np.float32)
    masks = [Separator(d).vocals_mask(magnitude)[0] for d in (first, second)]
    assert np.abs(masks[0] - masks[1]).max() > 0.05  # two different models, so the mean is not either
    mean, _ = Ensemble([first, second]).vocals_mask(magnitude)
    np.testing.assert_allclose(mean, (masks[0] + masks[1]) / 2, atol=1e-6)
    chunked, _ = Ensemble([first, second], chunk_frames=40, mask_power=2.0).vocals_mask(magnitude)
    np.testing.assert_allclose(chunked, post_filter(mean, 2.0), atol=1e-5)  # states carried across chunks
    waveform = song(1.5, seed=3)
    stems = Ensemble([first, second]).separate(waveform, 22050)
    np.testing.assert_allclose(stems["vocals"] + stems["accompaniment"], waveform, atol=1e-5)
    with pytest.raises(SvsError, match="lookahead"):
        Ensemble([first, lookahead_model])
    with pytest.raises(SvsError, match="at least two"):
        Ensemble([first])


def test_model_given_twice_on_the_command_line_is_an_ensemble(tmp_path):
    import evaluate

    first = saved_model(tmp_path / "a", 0, num_layers=1, hidden_size=8, features="log")
    second = saved_model(tmp_path / "b", 1, num_layers=1, hidden_size=8, features="log")
    sf.write(tmp_path / "song.wav", song(1.5), SAMPLE_RATE)
    outputs = {}
    for label, models in (("a", [first]), ("b", [second]), ("ab", [first, second])):
        flags = [flag for model in models for flag in ("--model", str(model))]
        assert main.main([str(tmp_path / "song.wav"), "--output-dir", str(tmp_path / label), *flags, "--quiet"]) == 0
        outputs[label] = sf.read(tmp_path / label / "song_src2.wav")[0]
    assert not np.allclose(outputs["ab"], outputs["a"], atol=1e-3)
    assert not np.allclose(outputs["ab"], outputs["b"], atol=1e-3)
    clip = tmp_path / "clips" / "abjones_1_01.wav"
    clip.parent.mkdir()
    sf.write(clip, np.stack(synthetic_sources(1.5, 2), axis=1), SAMPLE_RATE)
    (tmp_path / "list.txt").write_text(f"{clip}\n")
    assert evaluate.main(["--list", str(tmp_path / "list.txt"), "--model-dir", str(first), "--model-dir",
                          str(second), "--output-dir", str(tmp_path / "stats"), "--jobs", "1", "--quiet"]) == 0
    summary = (tmp_path / "stats" / "a+b_list_summary.json").read_text()
    assert '"model_dir": [' in summary


class _PeakEcho:
    """A stand-in model: the vocals mask of each bin is its magnitude over the frame's largest;
    it records what it hears and counts the frames each call's states have seen."""

    def __init__(self):
        from config import Config

        self.config, self.chunk_frames, self.backend, self.input_gain_db = Config(), 1024, "echo", 0.0
        self.heard = []

    def vocals_mask(self, magnitude, states=None):
        self.heard.append(magnitude)
        mask = magnitude / np.maximum(magnitude.max(axis=1, keepdims=True), 1e-9)
        return mask.astype(np.float32), (states or 0) + len(magnitude)


def test_pitch_views_move_the_spectrum_and_bring_each_mask_back():
    from separator import PitchViews

    magnitude = np.zeros((4, 513), np.float32)
    magnitude[:, 100] = 1.0  # a partial at 1562.5 Hz
    magnitude[:, 500] = 0.5  # and one near the top, which a view an octave up cannot hear
    echo = _PeakEcho()
    views = PitchViews(echo, [12, -12, 12])  # duplicates dropped, the plain view implied
    assert views.semitones == [-12.0, 0.0, 12.0]
    mask, states = views.vocals_mask(magnitude)
    down, plain, up = echo.heard
    np.testing.assert_array_equal(plain, magnitude)
    assert up[0].argmax() == 200 and up[0, 200] == 1.0  # an octave up (bins 199 and 201 interpolated)
    assert set(np.flatnonzero(down[0])) == {50, 250}     # an octave down
    assert mask[0, 100] == pytest.approx(1.0)            # every view's mask comes back to the partial
    assert mask[0, 99] == pytest.approx(1 / 6)           # the octave-down view's bin 49.5, of three views
    assert mask[0, 500] == pytest.approx(0.5)            # above bin 256 the octave-up view is left out
    assert np.abs(np.delete(mask[0], [99, 100, 101, 499, 500, 501])).max() < 1e-6
    assert states == [4, 4, 4]  # one set of GRU states per view, carried to the next call
    _, states = views.vocals_mask(magnitude, states)
    assert states == [8, 8, 8]


def test_pitch_views_stream_in_chunks_and_reach_the_command_line(tiny_model, tmp_path):
    from separator import PitchViews, load_separator, post_filter

    magnitude = np.abs(np.random.default_rng(6).standard_normal((150, 513))).astype(np.float32)
    # the repetition prior, also the tiny model's default, is left out here (tests/test_repetition.py)
    whole, _ = load_separator(tiny_model, (-2, 2), repet_weight=0).vocals_mask(magnitude)
    chunked, _ = load_separator(tiny_model, (-2, 2), repet_weight=0, chunk_frames=40).vocals_mask(magnitude)
    np.testing.assert_allclose(chunked, whole, atol=1e-5)  # each view's states carried across chunks
    plain = Separator(tiny_model, mask_power=1.0)
    assert np.abs(whole - post_filter(plain.vocals_mask(magnitude)[0], 1.5)).max() > 0.01
    # the defaults are the model's: the context recipe's views at -+2 semitones and post-filter 1.5
    default = load_separator(tiny_model, repet_weight=0)
    assert isinstance(default, PitchViews) and default.semitones == [-2.0, 0.0, 2.0]
    assert default.mask_power == 1.5 and default.inner.mask_power == 1.0  # post-filtered once, after the mean
    np.testing.assert_allclose(default.vocals_mask(magnitude)[0], whole, atol=1e-6)
    bare = load_separator(tiny_model, (), mask_power=1.0, repet_weight=0)  # the network's mask alone
    assert isinstance(bare, Separator)
    np.testing.assert_array_equal(bare.vocals_mask(magnitude)[0], plain.vocals_mask(magnitude)[0])
    sf.write(tmp_path / "song.wav", song(1.5), SAMPLE_RATE)
    for label, flags in (("plain", ["--pitch-views", "--mask-power", "1"]), ("views", [])):
        assert main.main([str(tmp_path / "song.wav"), "--output-dir", str(tmp_path / label), "--model",
                          str(tiny_model), "--quiet", "--repet-weight", "0", *flags]) == 0
    stems = {label: [sf.read(tmp_path / label / f"song_{stem}.wav")[0] for stem in ("src1", "src2")]
             for label in ("plain", "views")}
    mixture = sf.read(tmp_path / "views" / "song_mono.wav")[0]
    np.testing.assert_allclose(sum(stems["views"]), mixture, atol=1e-5)  # the stems still add back
    assert not np.allclose(stems["views"][1], stems["plain"][1], atol=1e-4)

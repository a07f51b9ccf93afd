import json
import os
import signal

import numpy as np
import pytest
import soundfile as sf

import evaluate
from utils import SvsError, read_list
from conftest import synthetic_sources


def test_mixture_as_estimate_has_zero_nsdr_and_truth_scores_higher():
    accompaniment, vocals = synthetic_sources(2.0, 4)
    mixture = accompaniment + vocals
    as_mixture = evaluate.bss_eval(accompaniment, vocals, mixture, mixture, mixture)
    assert as_mixture["vocals_nsdr"] == pytest.approx(0, abs=1e-6)
    assert as_mixture["accompaniment_nsdr"] == pytest.approx(0, abs=1e-6)
    noise = 1e-3 * np.random.default_rng(0).standard_normal(len(mixture))
    near_truth = evaluate.bss_eval(accompaniment, vocals, accompaniment + noise, vocals - noise, mixture)
    assert near_truth["vocals_nsdr"] > 20 and near_truth["accompaniment_nsdr"] > 20


def test_global_scores_weight_by_length():
    rows = [{"seconds": 1.0, "vocals_nsdr": 0.0, "vocals_sir": 1.0, "vocals_sar": 2.0},
            {"seconds": 3.0, "vocals_nsdr": 4.0, "vocals_sir": 5.0, "vocals_sar": 6.0}]
    scores = evaluate.global_scores(rows, sources=("vocals",))
    assert scores["vocals"] == {"GNSDR": 3.0, "GSIR": 4.0, "GSAR": 5.0}


def test_evaluate_cli_writes_statistics(tiny_model, lists, tmp_path, capsys):
    code = evaluate.main(["--list", str(lists / "valid.txt"), "--model-dir", str(tiny_model),
                          "--output-dir", str(tmp_path), "--name", "run", "--jobs", "2", "--quiet",
                          "--demo", str(tmp_path / "demo")])
    assert code == 0
    out = capsys.readouterr().out
    assert "GNSDR" in out and "vocals" in out
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["mixing"] == "0db" and summary["clips"] == len((lists / "valid.txt").read_text().split())
    assert set(summary["scores"]) == {"vocals", "accompaniment"}
    assert "hidden_size" in summary["config"]
    assert (tmp_path / "run_clips.csv").read_text().count("\n") == summary["clips"] + 1
    assert len(list((tmp_path / "demo").glob("*_src2.wav"))) == summary["clips"]


def _ctrl_c(*separate_args):
    raise KeyboardInterrupt


def _kill(*separate_args):
    os.kill(os.getpid(), signal.SIGTERM)


def _counting_separations(monkeypatch, at: int | None = None, instead=_ctrl_c) -> list:
    """Wrap every separator evaluate.py loads: the list returned grows by one per clip separated,
    and the separation of clip `at` (1 = the first) goes to `instead`, which
    stops the run or returns the stems to use instead."""
    import separator

    load, calls = separator.load_separator, []

    def counted(*args, **kwargs):
        loaded = load(*args, **kwargs)
        separate = loaded.separate

        def separate_counted(*separate_args):
            calls.append(1)
            if len(calls) == at:
                return instead(*separate_args)
            return separate(*separate_args)

        loaded.separate = separate_counted
        return loaded

    monkeypatch.setattr(separator, "load_separator", counted)
    return calls


class _ScoredAtOnce:
    """A stand-in for evaluate.py's process pool that scores each clip as it is handed over, so
    which clips are scored when a run stops does not depend on timing."""

    def Pool(self, processes, initializer=None):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def apply_async(self, function, args):
        from types import SimpleNamespace

        result = function(*args)
        return SimpleNamespace(ready=lambda: True, successful=lambda: True, get=lambda: result)


@pytest.mark.parametrize("stop", [_ctrl_c, _kill], ids=["ctrl-c", "kill"])
def test_an_interrupt_writes_no_statistics_keeps_the_scored_clips_and_no_traceback(
        stop, tiny_model, lists, tmp_path, monkeypatch, capsys):
    _counting_separations(monkeypatch, at=3, instead=stop)
    monkeypatch.setattr(evaluate.multiprocessing, "get_context", lambda method: _ScoredAtOnce())

    def unhandled(number, frame):  # what the test sees if evaluate.py left `kill` to this handler
        raise RuntimeError("SIGTERM reached the handler evaluate.py should have replaced")

    before = signal.signal(signal.SIGTERM, unhandled)
    try:
        code = evaluate.main(["--list", str(lists / "train.txt"), "--model-dir", str(tiny_model),
                              "--output-dir", str(tmp_path / "stats"), "--name", "run", "--jobs", "1", "--quiet"])
        assert signal.getsignal(signal.SIGTERM) is unhandled  # and put back afterwards
    finally:
        signal.signal(signal.SIGTERM, before)
    assert code == 130
    err = capsys.readouterr().err
    assert "interrupted: no statistics written" in err and "--resume" in err and "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "stats").iterdir()) == ["run_clips.partial.jsonl"]
    lines = (tmp_path / "stats" / "run_clips.partial.jsonl").read_text().splitlines()
    assert "settings" in json.loads(lines[0]) and [json.loads(line)["clip"] for line in lines[1:]] == [
        path.name for path in read_list(lists / "train.txt")[:2]]
    assert "2 clips scored so far are kept" in err


def test_resume_scores_only_the_clips_not_yet_scored_and_ends_as_one_run(tiny_model, lists, tmp_path,
                                                                          monkeypatch, capsys):
    common = ["--list", str(lists / "train.txt"), "--model-dir", str(tiny_model), "--output-dir", str(tmp_path),
              "--jobs", "1", "--quiet"]
    assert evaluate.main(common + ["--name", "fresh"]) == 0
    files = read_list(lists / "train.txt")
    log_path = tmp_path / "resumed_clips.partial.jsonl"
    evaluate.evaluate(files[:2], tiny_model, jobs=1, quiet=True, log_path=log_path)  # as if stopped there
    before = log_path.read_text()
    assert len(before.splitlines()) == 3
    # other settings than the log's: refused, and the log is left as it was
    assert evaluate.main(common + ["--name", "resumed", "--resume", "--mask-power", "2"]) == 1
    assert "mask_power 1.5 there, 2.0 now" in capsys.readouterr().err
    assert evaluate.main(common + ["--name", "resumed", "--resume"], variant={"--views": ["1"]}) == 1
    assert "variant" in capsys.readouterr().err and log_path.read_text() == before
    calls = _counting_separations(monkeypatch)
    assert evaluate.main(common + ["--name", "resumed", "--resume"]) == 0
    assert len(calls) == len(files) - 2
    assert not log_path.exists()
    assert (tmp_path / "resumed_clips.csv").read_text() == (tmp_path / "fresh_clips.csv").read_text()
    fresh, resumed = (json.loads((tmp_path / f"{name}_summary.json").read_text()) for name in ("fresh", "resumed"))
    assert resumed["scores"] == fresh["scores"] and resumed["resumed_clips"] == 2


def test_statistics_that_cannot_be_written_leave_every_scored_clip_for_resume(tiny_model, lists, tmp_path,
                                                                              monkeypatch, capsys):
    import errno

    monkeypatch.setattr(evaluate.multiprocessing, "get_context", lambda method: _ScoredAtOnce())
    save = evaluate.save_statistics

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(evaluate, "save_statistics", disk_full)
    command = ["--list", str(lists / "valid.txt"), "--model-dir", str(tiny_model), "--output-dir", str(tmp_path),
               "--name", "run", "--jobs", "1", "--quiet"]
    assert evaluate.main(command) == 1
    clips = len(read_list(lists / "valid.txt"))
    assert f"No space left on device; {clips} clips scored so far are kept" in capsys.readouterr().err
    monkeypatch.setattr(evaluate, "save_statistics", save)  # space freed
    calls = _counting_separations(monkeypatch)
    assert evaluate.main(command + ["--resume"]) == 0
    assert calls == [] and json.loads((tmp_path / "run_summary.json").read_text())["clips"] == clips


def test_a_clip_bss_eval_cannot_score_is_named_and_the_clips_before_it_are_kept(tiny_model, lists, tmp_path,
                                                                                 monkeypatch, capsys):
    def silent_vocals(waveform, sample_rate):  # all the mixture heard as accompaniment: an all-zero estimate
        return {"vocals": np.zeros_like(waveform), "accompaniment": waveform}

    _counting_separations(monkeypatch, at=3, instead=silent_vocals)
    code = evaluate.main(["--list", str(lists / "train.txt"), "--model-dir", str(tiny_model),
                          "--output-dir", str(tmp_path), "--name", "run", "--jobs", "1", "--quiet"])
    assert code == 1
    third = read_list(lists / "train.txt")[2].name
    assert f"error: BSS Eval cannot score {third}: " in capsys.readouterr().err
    kept = [json.loads(line)["clip"] for line in (tmp_path / "run_clips.partial.jsonl").read_text().splitlines()[1:]]
    assert kept[:2] == [path.name for path in read_list(lists / "train.txt")[:2]] and third not in kept


def test_score_log_drops_a_line_cut_short_and_starts_over_without_resume(tmp_path, capsys):
    path = tmp_path / "run_clips.partial.jsonl"
    settings = {"models": ["abc"], "mask_power": 1.5}
    log = evaluate.ScoreLog(path, settings)
    log.add({"clip": "a.wav", "seconds": 1.0})
    log.add({"clip": "b.wav", "seconds": 2.0})
    log.close()
    with open(path, "a") as handle:
        handle.write('{"clip": "c.wav", "sec')  # killed while writing
    log = evaluate.ScoreLog(path, settings, resume=True)
    assert list(log.rows) == ["a.wav", "b.wav"]
    log.add({"clip": "c.wav", "seconds": 3.0})
    log.close()
    log = evaluate.ScoreLog(path, settings, resume=True)
    log.close()
    assert list(log.rows) == ["a.wav", "b.wav", "c.wav"]
    log = evaluate.ScoreLog(path, settings)
    log.close()
    assert log.rows == {}
    assert "starting over" in capsys.readouterr().err
    assert path.read_text().splitlines() == [json.dumps({"settings": settings})]
    path.write_text("not json\n")
    with pytest.raises(SvsError, match="not a score log"):
        evaluate.ScoreLog(path, settings, resume=True)


def test_empty_list_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "test.txt").write_text("")
    assert evaluate.main(["--list", str(tmp_path / "test.txt")]) == 1
    assert "empty" in capsys.readouterr().err


def test_time_reversed_view_averages_the_forward_and_the_turned_round_backward_separation():
    from conftest import experiment
    module = experiment("time_reversed_view")

    class Ramp:  # keeps more of the input the later it comes: a separator that knows which way time runs
        config, backend, mask_power, input_gain_db = None, "test", 1.0, 0.0

        def separate(self, waveform, sample_rate):
            vocals = waveform * np.linspace(0, 1, waveform.shape[-1], dtype=np.float32)
            return {"vocals": vocals, "accompaniment": waveform - vocals}

    waveform = np.random.default_rng(0).standard_normal((2, 1000)).astype(np.float32)
    stems = module.TimeReversedView(Ramp()).separate(waveform, 16000)
    np.testing.assert_allclose(stems["vocals"], waveform * 0.5, rtol=1e-5, atol=1e-6)  # (t + (1 - t)) / 2
    np.testing.assert_allclose(stems["vocals"] + stems["accompaniment"], waveform, atol=1e-6)


def test_phase_iterations_start_from_plain_masking_and_bring_the_vocals_nearer_their_magnitudes():
    import librosa

    from conftest import experiment
    module = experiment("phase_iterations")
    accompaniment, vocals = synthetic_sources(1.0, 1)
    mixture = accompaniment + vocals

    def stft(signal):
        return librosa.stft(signal, n_fft=512, hop_length=128)

    mask = np.abs(stft(vocals)) / (np.abs(stft(vocals)) + np.abs(stft(accompaniment)) + 1e-8)
    plain = module.misi(mixture, stft(mixture), mask, 128, 0)
    np.testing.assert_allclose(plain, librosa.istft(mask * stft(mixture), hop_length=128, length=len(mixture)),
                               atol=1e-6)

    def distance(estimate):  # how far the estimate's magnitudes are from the masked ones MISI keeps
        return np.linalg.norm(np.abs(stft(estimate)) - mask * np.abs(stft(mixture)))

    distances = [distance(module.misi(mixture, stft(mixture), mask, 128, n)) for n in (0, 1, 10)]
    assert distances[0] > distances[1] > distances[2] and distances[2] < 0.9 * distances[0]


def test_tempo_views_read_each_mask_back_onto_the_clips_frames():
    from conftest import experiment
    from separator import post_filter
    module = experiment("tempo_views")

    class FrameByFrame:  # a mask linear in each frame alone: on a linear ramp, a tempo view changes nothing
        config, backend, input_gain_db = None, "test", 0.0

        def vocals_mask(self, magnitude, states=None):
            return magnitude / 16, states

    ramp = np.linspace(0, 3, 50, dtype=np.float32)[:, None] * np.arange(1, 5, dtype=np.float32)  # linear in time
    views = module.TempoViews(FrameByFrame(), (0.8, 1.3), mask_power=1.5)
    assert views.rates == [0.8, 1.0, 1.3]
    assert module.resample_frames(ramp, 20).shape == (20, 4)
    np.testing.assert_allclose(views.vocals_mask(ramp), post_filter(ramp / 16, 1.5), atol=1e-5)


def test_state_windows_restart_the_network_for_every_hop_after_its_warmup_frames(tiny_model):
    from conftest import experiment
    from separator import Ensemble, PitchViews, Separator
    module = experiment("state_windows")
    network = Separator(tiny_model, chunk_frames=32, mask_power=1.0)
    plain = network.vocals_mask
    magnitude = np.abs(np.random.default_rng(0).standard_normal((20, network.config.num_bins))).astype(np.float32)
    windowed = module.windowed_vocals_mask(network, warmup=3, hop=4)
    mask, heard = windowed(magnitude)
    assert mask.shape == magnitude.shape
    np.testing.assert_array_equal(heard, magnitude[-3:])  # what the next block's first window warms up on
    for start in range(0, 20, 4):  # frames start..start+3: a fresh run from 3 frames before
        first = max(0, start - 3)
        np.testing.assert_allclose(mask[start:start + 4], plain(magnitude[first:start + 4])[0][start - first:],
                                   atol=1e-6)
    # a stream fed in blocks (at hop boundaries) gets the same masks, the last frames carried over
    head, heard = windowed(magnitude[:8])
    tail, _ = windowed(magnitude[8:], heard)
    np.testing.assert_allclose(np.concatenate([head, tail]), mask, atol=1e-6)
    # and each network of an ensemble with pitch views is the one run so
    views = PitchViews(Ensemble([tiny_model, tiny_model]), (-2, 2))
    assert [type(n) for n in module.networks(views)] == [Separator, Separator]
    with pytest.raises(SvsError):
        module.windowed_vocals_mask(network, warmup=30, hop=4)  # longer than one chunk


def test_time_shift_views_read_each_mask_back_onto_the_clips_frames():
    from types import SimpleNamespace

    from conftest import experiment
    module = experiment("time_shift_views")

    class Level:  # each frame's mask is its level: on a sine that swells linearly, a shifted grid changes nothing
        config = SimpleNamespace(n_fft=256, hop_length=64, sample_rate=16000, mask_power=1.0)
        backend, input_gain_db, mask_power = "test", 0.0, 1.0

        def vocals_mask(self, magnitude, states=None):
            return np.minimum(magnitude / 64, 1), states  # a full-scale sine peaks near n_fft / 4 = 64

    samples = np.arange(16000, dtype=np.float32)
    waveform = np.linspace(0.1, 0.9, len(samples), dtype=np.float32) * np.sin(2 * np.pi * 1000 * samples / 16000)
    plain, shifted = (module.TimeShiftViews(Level(), shifts, mask_power=1.0) for shifts in ((), (0.25, 0.5)))
    assert shifted.shifts == [0.0, 0.25, 0.5]
    frames = 1 + len(waveform) // 64
    alone = plain.shifted_mask(waveform, 0.0, frames)
    for shift in (0.25, 0.5):  # the view's frames sit 16 and 32 samples earlier; read back, they agree
        view = shifted.shifted_mask(waveform, shift, frames)
        np.testing.assert_allclose(view[4:-4], alone[4:-4], atol=2e-4)
    stems = shifted.separate(waveform, 16000)
    np.testing.assert_allclose(stems["vocals"] + stems["accompaniment"], waveform, atol=1e-6)
    whole = module.WholeClips(Level(), mask_power=1.0).separate(waveform, 16000)  # no shift: plain masking
    np.testing.assert_allclose(plain.separate(waveform, 16000)["vocals"], whole["vocals"], atol=1e-6)
    with pytest.raises(SvsError, match="fractions of a hop"):
        module.TimeShiftViews(Level(), (1.0,), mask_power=1.0)


def test_mask_median_removes_a_one_frame_flicker_and_keeps_a_step():
    from conftest import experiment
    from separator import post_filter
    module = experiment("mask_median")

    class Given:  # the mask is the magnitude itself
        config, backend, input_gain_db = None, "test", 0.0

        def vocals_mask(self, magnitude, states=None):
            return magnitude, states

    mask = np.full((12, 4), 0.2, np.float32)
    mask[6:] = 0.8  # a step (a note's onset), kept
    mask[3, 1] = 0.9  # one frame's flicker in one bin, gone
    smoothed = module.MaskMedian(Given(), ("3", "1"), mask_power=1.5).vocals_mask(mask)
    expected = np.where(np.arange(12)[:, None] < 6, 0.2, 0.8).astype(np.float32) * np.ones((1, 4), np.float32)
    np.testing.assert_allclose(smoothed, post_filter(expected, 1.5), atol=1e-6)
    same = module.MaskMedian(Given(), ("1", "1"), mask_power=1.0).vocals_mask(mask)
    np.testing.assert_array_equal(same, mask)
    for sizes in (("2", "1"), ("3",), ("0", "1")):
        with pytest.raises(SvsError, match="two odd sizes"):
            module.MaskMedian(Given(), sizes, mask_power=1.0)


def test_vocal_gate_silences_the_vocals_in_frames_the_mask_finds_without_voice():
    from conftest import experiment
    module = experiment("vocal_gate")

    class Given:  # one mask for both stems, as a separator without the prior gives
        config, backend, input_gain_db, mask_power, chunk_frames = None, "test", 0.0, 1.0, 64

        def __init__(self, mask):
            self.mask = mask

        def stem_masks(self, magnitude, states=None):
            return self.mask[None], states

    magnitude = np.ones((9, 4), np.float32)
    mask = np.full((9, 4), 0.5, np.float32)  # a share of 0.25 of each frame's energy: -6 dB
    mask[2:5] = 0.01  # three frames with almost nothing of the voice: -40 dB, gated
    mask[7] = 0.01  # and one frame alone, which a median over 3 frames keeps
    np.testing.assert_allclose(module.vocal_share_db(mask, magnitude)[[0, 2]], [10 * np.log10(0.25), -40], atol=1e-5)
    assert module.vocal_share_db(mask, np.zeros_like(magnitude))[0] == -np.inf  # a silent frame: no voice
    masks, states = module.VocalGate(Given(mask), -20.0).stem_masks(magnitude, "states")
    assert masks.shape == (2, 9, 4) and states == "states"
    gated = np.isin(np.arange(9), [2, 3, 4, 7])
    np.testing.assert_array_equal(masks[:, gated], 0)  # both: silent vocals, the frame whole in the accompaniment
    np.testing.assert_array_equal(masks[:, ~gated], np.stack([mask, mask])[:, ~gated])
    smoothed, _ = module.VocalGate(Given(mask), -20.0, smooth=3).stem_masks(magnitude)
    np.testing.assert_array_equal(smoothed[0, 7], mask[7])  # the lone frame is not gated after the median
    np.testing.assert_array_equal(smoothed[0, 3], 0)
    np.testing.assert_array_equal(module.VocalGate(Given(mask), -np.inf).stem_masks(magnitude)[0][0], mask)
    with pytest.raises(SvsError, match="odd number"):
        module.VocalGate(Given(mask), -20.0, smooth=4)
    with pytest.raises(SvsError, match="threshold in dB"):
        module.with_gate(["-20", "2.5"], None)


def test_vocal_gate_oracle_moves_the_vocals_of_frames_without_voice_into_the_accompaniment(lists, tmp_path, capsys):
    import librosa
    import soundfile as sf
    from conftest import experiment
    from preprocess import load_mir1k_clip
    from utils import read_list
    module = experiment("vocal_gate")

    def stft(x):
        return np.abs(librosa.stft(x, n_fft=1024, hop_length=256))

    listing = lists / "test.txt"
    clips = read_list(listing)
    (tmp_path / "stems").mkdir()
    for clip in clips:  # a separator that splits the mixture in half
        mixture, _, _ = load_mir1k_clip(clip, mixing="0db")
        for k in (1, 2):
            sf.write(tmp_path / "stems" / f"{clip.stem}_src{k}.wav", mixture / 2, 16000, subtype="FLOAT")
    arguments = ["--list", str(listing), "--estimates", str(tmp_path / "stems")]
    assert module.main(["--oracle", "-20", *arguments, "--output-dir", str(tmp_path / "gated")]) == 0
    share = float(capsys.readouterr().out.split("(")[-1].split("%")[0])
    assert 0 < share < 100  # the synthetic voice comes and goes
    assert module.main(["--oracle=-inf", *arguments, "--output-dir", str(tmp_path / "kept")]) == 0
    for clip in clips:
        mixture, accompaniment, vocals = load_mir1k_clip(clip, mixing="0db")
        gated = {k: sf.read(tmp_path / "gated" / f"{clip.stem}_src{k}.wav", dtype="float32")[0] for k in (1, 2)}
        np.testing.assert_allclose(gated[1] + gated[2], mixture, atol=1e-5)  # moved, not lost
        kept = sf.read(tmp_path / "kept" / f"{clip.stem}_src2.wav", dtype="float32")[0]
        np.testing.assert_allclose(kept, mixture / 2, atol=1e-5)
        voice, rest = (np.sum(stft(x) ** 2, axis=0) for x in (vocals, accompaniment))
        silent = voice < rest * 10 ** (-20 / 10)
        inside = silent & np.all([np.roll(silent, shift) for shift in range(-3, 4)], axis=0)  # not at a gate's edge
        assert inside.any()
        assert stft(gated[2])[:, inside].max() < 1e-3 * stft(mixture).max()
        assert stft(gated[2])[:, ~silent].max() > 0.1 * stft(mixture).max()


def test_level_views_average_the_masks_of_the_clip_heard_louder_and_quieter():
    from conftest import experiment
    from separator import post_filter
    module = experiment("level_views")

    class Saturating:  # a mask that depends on the level heard
        config, backend, input_gain_db = None, "test", 0.0

        def vocals_mask(self, magnitude, states=None):
            return magnitude / (1 + magnitude), states

    magnitude = np.abs(np.random.default_rng(0).standard_normal((8, 5))).astype(np.float32)
    views = module.LevelViews(Saturating(), ("-6", "6"), mask_power=1.5)
    assert views.gains_db == [-6.0, 0.0, 6.0]
    heard = [magnitude * 10 ** (gain / 20) for gain in (-6, 0, 6)]
    expected = np.mean([m / (1 + m) for m in heard], axis=0)
    np.testing.assert_allclose(views.vocals_mask(magnitude), post_filter(expected.astype(np.float32), 1.5), atol=1e-6)
    alone = module.LevelViews(Saturating(), (), mask_power=1.0).vocals_mask(magnitude)
    np.testing.assert_allclose(alone, magnitude / (1 + magnitude), atol=1e-7)


def _clips_csv(path) -> dict[str, dict[str, str]]:
    import csv

    with open(path, newline="") as handle:
        return {row["clip"]: row for row in csv.DictReader(handle)}


def test_main_py_on_the_written_mixtures_scores_as_evaluate_py_scores_the_model(tiny_model, lists, tmp_path):
    """The path an independent scorer takes (16 kHz mono mixtures through main.py, its outputs
    scored) gives the per-clip scores evaluate.py gives the model itself."""
    import main

    common = ["--list", str(lists / "valid.txt"), "--output-dir", str(tmp_path / "stats"), "--jobs", "1", "--quiet"]
    assert evaluate.main(common + ["--write-mixtures", str(tmp_path / "mixtures")]) == 0
    written = sorted(p.name for p in (tmp_path / "mixtures").iterdir())
    assert written == sorted(f"{p.stem}.wav" for p in read_list(lists / "valid.txt"))
    import soundfile as sf

    info = sf.info(tmp_path / "mixtures" / written[0])
    assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "FLOAT")
    assert main.main([str(tmp_path / "mixtures"), "--output-dir", str(tmp_path / "separated"),
                      "--model", str(tiny_model), "--jobs", "1", "--quiet"]) == 0
    assert evaluate.main(common + ["--estimates", str(tmp_path / "separated")]) == 0
    assert evaluate.main(common + ["--model-dir", str(tiny_model), "--name", "model_valid"]) == 0
    from_files, from_model = (_clips_csv(tmp_path / "stats" / f"{name}_valid_clips.csv")
                              for name in ("separated", "model"))
    assert from_files == from_model
    summary = json.loads((tmp_path / "stats" / "separated_valid_summary.json").read_text())
    assert summary["estimates"] == str(tmp_path / "separated") and summary["mixing"] == "0db"
    assert "model_dir" not in summary and "config" not in summary


def test_estimates_by_either_name_in_any_format_cut_or_padded_to_the_clip(lists, tmp_path, capsys):
    """The mixture itself, given as both estimates, scores an NSDR of 0 on every clip, whether
    named as --stems seed or --stems names writes it, in WAV or FLAC, and too long or too short."""
    import soundfile as sf

    common = ["--list", str(lists / "valid.txt"), "--output-dir", str(tmp_path / "stats"), "--jobs", "1", "--quiet"]
    assert evaluate.main(common + ["--write-mixtures", str(tmp_path / "mixtures")]) == 0
    estimates = tmp_path / "estimates"
    estimates.mkdir()
    for i, path in enumerate(sorted((tmp_path / "mixtures").iterdir())):
        mixture, rate = sf.read(path)
        if i == 0:
            sf.write(estimates / f"{path.stem}_src2.wav", np.pad(mixture, (0, 300)), rate)
            sf.write(estimates / f"{path.stem}_src1.wav", mixture, rate)
        else:
            sf.write(estimates / f"{path.stem}_vocals.flac", mixture[:-100], rate, subtype="PCM_24")
            sf.write(estimates / f"{path.stem}_accompaniment.flac", mixture, rate, subtype="PCM_24")
    capsys.readouterr()
    assert evaluate.main(common[:-1] + ["--estimates", str(estimates)]) == 0
    err = capsys.readouterr().err
    assert "the estimates of 2 clips differed in length from the clips (by up to 300 samples)" in err
    rows = _clips_csv(tmp_path / "stats" / "estimates_valid_clips.csv")
    assert len(rows) == len(read_list(lists / "valid.txt"))
    for row in rows.values():
        assert float(row["accompaniment_nsdr"]) == pytest.approx(0, abs=1e-3)
        assert abs(float(row["vocals_nsdr"])) < 0.05  # 100 samples short at the end: nearly the mixture


def test_estimates_that_are_missing_or_doubled_or_model_options_beside_them_are_clear_errors(lists, tmp_path,
                                                                                             capsys):
    import soundfile as sf

    common = ["--list", str(lists / "valid.txt"), "--output-dir", str(tmp_path / "stats"), "--jobs", "1", "--quiet"]
    estimates = tmp_path / "estimates"
    estimates.mkdir()
    first = read_list(lists / "valid.txt")[0].stem
    assert evaluate.main(common + ["--estimates", str(estimates)]) == 1
    assert f"the vocals of {first}.wav should be one file, {first}_src2.wav" in capsys.readouterr().err
    for name in ("src2.wav", "vocals.flac"):
        sf.write(estimates / f"{first}_{name}", np.zeros(1600), 16000)
    assert evaluate.main(common + ["--estimates", str(estimates)]) == 1
    assert f"found 2: {first}_src2.wav, {first}_vocals.flac" in capsys.readouterr().err
    assert evaluate.main(common + ["--estimates", str(tmp_path / "none")]) == 1
    assert "no such folder" in capsys.readouterr().err
    for extra in (["--model-dir", "model"], ["--pitch-views", "2"], ["--demo"], ["--write-mixtures", "m"]):
        with pytest.raises(SystemExit):
            evaluate.main(common + ["--estimates", str(estimates), *extra])
        assert f"{extra[0]} cannot go with --estimates" in capsys.readouterr().err


def test_reference_separations_ratio_mask_is_near_perfect_and_repet_sim_finds_the_repeating_part(lists, tmp_path):
    """The ideal ratio mask, scored through --estimates, is far above REPET-SIM, which is above
    the mixture itself on a clip whose accompaniment repeats and whose tone does not."""
    import soundfile as sf

    from conftest import experiment
    module = experiment("reference_separations")
    rate, rng = 16000, np.random.default_rng(0)
    beat = rng.standard_normal(rate // 4) * np.hanning(rate // 4)
    accompaniment = np.tile(0.5 * beat, 24)  # 6 s of one quarter-second bar
    t = np.arange(len(accompaniment)) / rate
    vocals = 0.5 * np.sin(2 * np.pi * np.cumsum(300 + 150 * np.sin(2 * np.pi * 0.3 * t)) / rate)
    clip = tmp_path / "clips" / "abjones_1_01.wav"
    clip.parent.mkdir()
    sf.write(clip, np.stack([accompaniment, vocals], axis=1), rate, subtype="FLOAT")
    (tmp_path / "list.txt").write_text(f"{clip}\n")
    scores = {}
    for method in module.METHODS:
        assert module.main(["--method", method, "--list", str(tmp_path / "list.txt"), "--mixing", "0db",
                            "--output-dir", str(tmp_path / method), "--quiet"]) == 0
        assert sorted(p.name for p in (tmp_path / method).iterdir()) == ["abjones_1_01_src1.wav",
                                                                         "abjones_1_01_src2.wav"]
        assert evaluate.main(["--list", str(tmp_path / "list.txt"), "--estimates", str(tmp_path / method),
                              "--output-dir", str(tmp_path / "stats"), "--jobs", "1", "--quiet"]) == 0
        scores[method] = json.loads((tmp_path / "stats" / f"{method}_list_summary.json").read_text())["scores"]
    assert scores["ratio-mask"]["vocals"]["GNSDR"] > 15
    assert 5 < scores["repet-sim"]["vocals"]["GNSDR"] < scores["ratio-mask"]["vocals"]["GNSDR"] - 5
    assert module.main(["--method", "ratio-mask", "--list", str(tmp_path / "list.txt"),
                        "--output-dir", str(tmp_path / "x"), "--quiet"]) == 1  # no split.json, no --mixing


def test_repetition_prior_mixes_the_networks_mask_with_repet_sims_before_the_post_filter():
    from conftest import experiment
    from config import Config
    from separator import post_filter
    from repetition import repet_sim_masks
    module = experiment("repetition_prior")

    class Given:  # the network's mask: a fixed ramp over the bins
        config, backend, input_gain_db = Config(), "test", 0.0

        def vocals_mask(self, magnitude, states=None):
            return np.broadcast_to(np.linspace(0, 1, magnitude.shape[1], dtype=np.float32), magnitude.shape), states

    magnitude = np.abs(np.random.default_rng(0).standard_normal((300, 513))).astype(np.float32)
    network = Given().vocals_mask(magnitude)[0]
    repet = repet_sim_masks(magnitude, 16000 / 256)[0]
    mixed = module.BothStemsPrior(Given(), ("0.25",), mask_power=1.5).vocals_mask(magnitude)
    np.testing.assert_allclose(mixed, post_filter((0.75 * network + 0.25 * repet).astype(np.float32), 1.5),
                               atol=1e-6)
    alone = module.BothStemsPrior(Given(), ("0",), mask_power=1.0).vocals_mask(magnitude)
    np.testing.assert_array_equal(alone, network)
    balanced = repet_sim_masks(magnitude, 16000 / 256, (1.0, 1.0))
    np.testing.assert_allclose(balanced[0] + balanced[1], 1, atol=1e-6)
    assert not np.allclose(balanced[0], repet, atol=0.05)
    mixed = module.BothStemsPrior(Given(), ("0.5", "1"), mask_power=1.0).vocals_mask(magnitude)
    np.testing.assert_allclose(mixed, 0.5 * network + 0.5 * balanced[0], atol=1e-6)
    # guided: frames compared by the network's accompaniment, (1 - mask) * magnitudes
    guided = repet_sim_masks(magnitude, 16000 / 256, similar=(1 - network) * magnitude)[0]
    assert not np.allclose(guided, repet, atol=0.05)
    mixed = module.BothStemsPrior(Given(), ("0.25", "guided"), mask_power=1.0).vocals_mask(magnitude)
    np.testing.assert_allclose(mixed, 0.75 * network + 0.25 * guided, atol=1e-6)
    # max: the larger of the two masks, here with margin 1 and guided
    mixed = module.BothStemsPrior(Given(), ("max", "1", "guided"), mask_power=1.0).vocals_mask(magnitude)
    guided = repet_sim_masks(magnitude, 16000 / 256, (2.0, 1.0), similar=(1 - network) * magnitude)[0]
    np.testing.assert_allclose(mixed, np.maximum(network, guided), atol=1e-6)
    assert (mixed > network + 0.1).any() and (mixed == network).any()
    for values in (("1.5",), ("0.2", "0"), ("0.2", "1", "3"), (), ("half",), ("guided",), ("0.2", "guided", "1"),
                   ("max", "0"), ("0.2", "max")):
        with pytest.raises(SvsError, match="one weight from 0 to 1"):
            module.BothStemsPrior(Given(), values, mask_power=1.0)


def test_whole_songs_join_each_songs_clips_as_evaluate_mixes_them(lists, tmp_path, capsys):
    from conftest import experiment
    from preprocess import load_mir1k_clip
    from utils import read_list
    module = experiment("whole_songs")

    assert module.main(["--list", str(lists / "test.txt"), "--output-dir", str(tmp_path / "songs")]) == 0
    clips = read_list(lists / "test.txt")
    songs = read_list(tmp_path / "songs" / "valid.txt")
    # the songs whose last 1,024-frame chunk is under 2 s (125 frames), as the stream cuts them
    frames = {song.stem: 1 + sf.info(str(song)).frames // 256 for song in songs}
    assert module.CHUNK_FRAMES == 1024 and all(count > 125 for count in frames.values())
    assert capsys.readouterr().out.rstrip().endswith("ending with a chunk (of 1024 frames) under 2 s: none")
    module.SHORT_END_SECONDS = 60.0  # all of these songs
    try:
        assert module.main(["--list", str(lists / "test.txt"), "--output-dir", str(tmp_path / "songs")]) == 0
    finally:
        module.SHORT_END_SECONDS = 2.0
    listed = ", ".join(f"{name} ({count} frames)" for name, count in frames.items())
    assert capsys.readouterr().out.rstrip().endswith(f"under 60 s: {listed}")
    assert sorted(song.name for song in songs) == sorted({"_".join(c.stem.split("_")[:2]) + ".wav" for c in clips})
    for song in songs:
        mixture, _, _ = load_mir1k_clip(song, mixing="sum")
        parts = sorted((c for c in clips if c.stem.startswith(song.stem + "_")), key=lambda c: int(c.stem[-2:]))
        expected = np.concatenate([load_mir1k_clip(c, mixing="0db")[0] for c in parts])
        np.testing.assert_allclose(mixture, expected, atol=1e-6)  # the clips' 0 dB mixtures end to end
        assert len(parts) == 2 and len(mixture) > max(len(load_mir1k_clip(c)[0]) for c in parts)
    assert json.loads((tmp_path / "songs" / "split.json").read_text())["mixing"] == "sum"
    (tmp_path / "odd.txt").write_text(str(clips[0].with_name("notaclip.wav")) + "\n")
    (tmp_path / "split.json").write_text(json.dumps({"mixing": "0db"}))
    assert module.main(["--list", str(tmp_path / "odd.txt"), "--output-dir", str(tmp_path / "x")]) == 1


def test_repetition_context_sets_the_priors_context(tiny_model):
    from conftest import experiment
    from separator import load_separator
    module = experiment("repetition_context")
    prior = module.with_context(["64"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.context_frames == 4000  # 64 s at 62.5 frames a second
    assert module.with_context(["0"], load_separator, tiny_model, repet_weight=0.25).context_frames == 0
    for values in (["-1"], ["ten"], [], ["1", "2"]):
        with pytest.raises(SvsError, match="one number of seconds"):
            module.with_context(values, load_separator, tiny_model, repet_weight=0.25)
    with pytest.raises(SvsError, match="needs the repetition prior"):
        module.with_context(["64"], load_separator, tiny_model, repet_weight=0)


def test_repetition_pieces_set_the_priors_pieces(tiny_model):
    from conftest import experiment
    from separator import load_separator
    module = experiment("repetition_pieces")
    prior = module.with_pieces(["8.192"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.piece_frames == 512 and prior._pieces(700) == [(0, 350), (350, 700)]
    assert prior._pieces(2500) == [(0, 512), (512, 1024), (1024, 1536), (1536, 2048), (2048, 2500)]
    for values in (["0"], ["-1"], ["1", "2"]):
        with pytest.raises(SvsError, match="--piece-seconds"):
            module.with_pieces(values, load_separator, tiny_model, repet_weight=0.25)
    with pytest.raises(SvsError, match="needs the repetition prior"):
        module.with_pieces(["8"], load_separator, tiny_model, repet_weight=0)


def test_repetition_window_sets_the_priors_distance_and_fill(tiny_model, monkeypatch):
    from conftest import experiment
    from separator import load_separator
    module = experiment("repetition_window")
    prior = module.with_distance(["1"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.repet_seconds == 1.0 and prior.fill_frames == 0 and not prior.scale_distance
    prior = module.with_distance(["2", "scaled"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.repet_seconds == 2.0 and prior.scale_distance == "pieces"
    prior = module.with_distance(["2", "scaled-input"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.repet_seconds == 2.0 and prior.scale_distance == "input"
    assert not prior.guided
    prior = module.with_distance(["2", "scaled-input", "guided"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.repet_seconds == 2.0 and prior.scale_distance == "input" and prior.guided
    assert prior.vocals_margin == 10 and prior.neighbours == 1
    prior = module.with_distance(["1", "scaled-input", "guided", "margin", "20", "neighbours", "0.5"],
                                 load_separator, tiny_model, repet_weight=0.25)
    assert (prior.repet_seconds, prior.scale_distance, prior.guided) == (1.0, "input", True)
    assert prior.vocals_margin == 20 and prior.neighbours == 0.5
    assert prior.compare_power == 1
    prior = module.with_distance(["1", "neighbours", "2", "power", "0.5", "margin", "5"], load_separator, tiny_model,
                                 repet_weight=0.25)
    assert prior.vocals_margin == 5 and prior.neighbours == 2 and prior.compare_power == 0.5 and not prior.guided
    assert prior.settings["vocals_margin"] == 5 and prior.settings["neighbours"] == 2
    assert prior.settings["compare_power"] == 0.5 and prior.settings["uncertainty_power"] == 0
    prior = module.with_distance(["1", "scaled-input", "guided", "margin", "5", "uncertain", "2"], load_separator,
                                 tiny_model, repet_weight=0.25)
    assert prior.uncertainty_power == 2 and prior.settings["uncertainty_power"] == 2 and prior.vocals_margin == 5
    assert prior.accompaniment_weight == 0
    prior = module.with_distance(["1", "accompaniment", "0.25"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.accompaniment_weight == np.float32(0.25) and prior.settings["accompaniment_weight"] == 0.25
    prior = module.with_fill(["16.384"], load_separator, tiny_model, repet_weight=0.25)
    assert prior.fill_frames == 1024 and prior.repet_seconds == 1.0
    for values in (["0"], ["-1"], ["1", "2"], ["scaled"], ["0", "scaled"], ["scaled-input"],
                   ["1", "margin", "0"], ["1", "neighbours", "many"], ["1", "margin", "2", "margin", "3"],
                   ["1", "uncertain", "-1"], ["1", "accompaniment", "1.5"], ["1", "accompaniment", "-0.5"]):
        with pytest.raises(SvsError, match="--repet-seconds"):
            module.with_distance(values, load_separator, tiny_model, repet_weight=0.25)
    for values in (["-1"], ["ten"]):
        with pytest.raises(SvsError, match="--fill-seconds"):
            module.with_fill(values, load_separator, tiny_model, repet_weight=0.25)
    with pytest.raises(SvsError, match="needs the repetition prior"):
        module.with_fill(["16"], load_separator, tiny_model, repet_weight=0)
    chosen = []
    monkeypatch.setattr(module, "evaluate_with", lambda argv, option, make: chosen.append((option, make)) or 0)
    module.main(["--fill-seconds", "16", "--list", "x"])
    module.main(["--repet-seconds", "1", "--list", "x"])
    assert chosen == [("--fill-seconds", module.with_fill), ("--repet-seconds", module.with_distance)]


def test_scores_keep_what_the_repetition_prior_compares(tiny_model):
    from separator import load_separator
    settings = evaluate.score_settings(load_separator(tiny_model, repet_weight=0.25), [tiny_model], "0db", 0.0, None)
    assert settings["repetition"] == {"guided": True, "scale_distance": "input", "repet_seconds": 1.0,
                                      "context_frames": 0, "fill_frames": 0, "piece_frames": None,
                                      "vocals_margin": 5.0, "neighbours": 1.0, "compare_power": 1.0,
                                      "uncertainty_power": 0.0, "accompaniment_weight": 0.0}
    json.dumps(settings)
    weighted = evaluate.score_settings(load_separator(tiny_model, repet_weight=0.35), [tiny_model], "0db", 0.0, None)
    assert weighted["repet_weight"] == 0.35  # the weight as given, not its float32 (0.3499999940...)
    plain = evaluate.score_settings(load_separator(tiny_model, repet_weight=0), [tiny_model], "0db", 0.0, None)
    assert plain["repetition"] == {} and plain["repet_weight"] == 0.0

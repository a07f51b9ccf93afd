"""The benchmarks' reporting helpers (the timings themselves are not tested: they are measured)."""
import importlib.util
import json

import numpy as np
import pytest
import soundfile as sf

from conftest import ROOT


def benchmark(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_same_samples_tells_equal_files_from_different_and_missing_ones(tmp_path, capsys):
    module = benchmark("same_samples")
    audio = np.random.default_rng(0).standard_normal((800, 2)).astype(np.float32) * 0.1
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        sf.write(tmp_path / folder / "x_src1.wav", audio, 16000, subtype="FLOAT")
        sf.write(tmp_path / folder / "x_src2.flac", audio, 16000)  # the same samples, another header
    assert module.main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert "2 of 2 files have the same samples" in capsys.readouterr().out
    changed = audio.copy()
    changed[400, 1] += 0.01
    sf.write(tmp_path / "b" / "x_src1.wav", changed, 16000, subtype="FLOAT")
    (tmp_path / "b" / "x_src2.flac").unlink()
    assert module.main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    out = capsys.readouterr().out
    assert "x_src1.wav: different" in out and "x_src2.flac: missing" in out
    assert module.main([str(tmp_path / "a"), str(tmp_path / "none")]) == 1


def test_report_prints_the_ratios_of_a_benchmark_and_the_changes_from_an_earlier_one(tmp_path, capsys):
    module = benchmark("separate")
    rows = {"batch input rate, stereo (default)": 30.0,
            "batch input rate, stereo, no repetition prior (--repet-weight 0)": 20.0,
            "batch input rate, stereo, one network, one view (--model m --pitch-views)": 8.0,
            "batch input rate, stereo, one view (--pitch-views)": 10.0}
    (tmp_path / "new.json").write_text(json.dumps({"cpu_count": 2, **{k: {"wall_seconds": v} for k, v in rows.items()}}))
    rows["batch input rate, stereo (default)"] = 40.0
    (tmp_path / "old.json").write_text(json.dumps({k: {"wall_seconds": v} for k, v in rows.items()}))
    module.report(tmp_path / "new.json", tmp_path / "old.json")
    out = capsys.readouterr().out
    assert "30.00 s against 20.00 s without it, 1.50 times" in out
    assert "20.00 s against 10.00 s for one view, 2.00 times" in out
    assert "second network: +2.00 s" in out
    assert "batch input rate, stereo (default): 40.00 s in" in out and "-25.0%" in out
    (tmp_path / "odd.json").write_text(json.dumps({"batch x": {"wall_seconds": 1.0}}))
    with pytest.raises(SystemExit, match="batch rows name"):
        module.report(tmp_path / "odd.json")

import json

import download
from utils import read_list


def songs(paths):
    return {download.song_of(p)[1] for p in paths}


def test_songs_split_keeps_songs_whole(mir1k, tmp_path):
    lists = download.write_split(mir1k, "songs", tmp_path)
    parts = [songs(lists[k]) for k in ("train", "valid", "test")]
    assert sum(map(len, parts)) == len(set().union(*parts)) == 7  # no song in two lists
    assert sum(len(v) for v in lists.values()) == 14
    assert json.loads((tmp_path / "split.json").read_text())["mixing"] == "sum"
    assert read_list(tmp_path / "train.txt") == [p.resolve() for p in lists["train"]]


def test_huang2014_trains_on_abjones_and_amy(mir1k, tmp_path):
    lists = download.write_split(mir1k, "huang2014", tmp_path)
    train_singers = {download.song_of(p)[0] for p in lists["train"] + lists["valid"]}
    assert train_singers == {"abjones", "amy"}
    assert {download.song_of(p)[0] for p in lists["test"]} == {"Ani"}
    assert not songs(lists["train"]) & songs(lists["valid"])
    assert json.loads((tmp_path / "split.json").read_text())["mixing"] == "0db"


def test_missing_test_singers_give_an_empty_test_list(mir1k, manifest, tmp_path, capsys):
    partial = tmp_path / "MIR-1K" / "Wavfile"
    partial.mkdir(parents=True)
    for clip in (mir1k / "Wavfile").glob("a*.wav"):
        (partial / clip.name).symlink_to(clip)
    assert download.main(["--source", str(tmp_path), "--split", "huang2014", "--output", str(tmp_path / "l"),
                          "--manifest", str(manifest), "--quiet"]) == 0
    assert (tmp_path / "l" / "test.txt").read_text() == ""
    out = capsys.readouterr().out
    assert "test singers are not" in out and "4 clips of 1 singers are not in this copy (Ani)" in out


def test_a_missing_clip_of_a_present_singer_is_named(mir1k, manifest, tmp_path, capsys):
    partial = tmp_path / "MIR-1K" / "Wavfile"
    partial.mkdir(parents=True)
    for clip in sorted((mir1k / "Wavfile").glob("*.wav"))[1:]:
        (partial / clip.name).symlink_to(clip)
    assert download.main(["--source", str(tmp_path), "--output", str(tmp_path / "l"),
                          "--manifest", str(manifest), "--quiet"]) == 1
    assert "Ani_1_01.wav: missing" in capsys.readouterr().err


def test_dev_split_is_singer_independent(mir1k, tmp_path):
    lists = download.write_split(mir1k, "dev-amy", tmp_path)
    assert {download.song_of(p)[0] for p in lists["train"]} == {"amy"}
    assert {download.song_of(p)[0] for p in lists["valid"]} == {"abjones"}

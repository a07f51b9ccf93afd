"""download.py against a flaky local HTTP server: resume, checksums, safe extraction, idempotence."""
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

import download
from helpers import FlakyServer, rar4_archive
from utils import SvsError


@pytest.fixture(scope="module")
def clips(mir1k) -> dict[str, bytes]:
    return {f"MIR-1K/Wavfile/{p.name}": p.read_bytes() for p in sorted((mir1k / "Wavfile").glob("*.wav"))}


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run(server, name, data, tmp_path, manifest, *extra):
    return download.main(["--url", f"{server.url}/{name}", "--sha256", hashlib.sha256(data).hexdigest(),
                          "--output", str(tmp_path / "data"), "--manifest", str(manifest), "--quiet",
                          "--split", "huang2014", *extra])


@pytest.mark.parametrize("kind", ["zip", "rar"])
def test_clean_download_verifies_extracts_and_writes_lists(kind, clips, manifest, tmp_path):
    data = zip_bytes(clips) if kind == "zip" else rar4_archive(clips)
    with FlakyServer({f"/MIR-1K.{kind}": data}) as server:
        assert run(server, f"MIR-1K.{kind}", data, tmp_path, manifest) == 0
    dataset = tmp_path / "data" / "MIR-1K" / "Wavfile"
    assert len(list(dataset.glob("*.wav"))) == len(clips)
    assert (tmp_path / "data" / "train.txt").read_text().count("\n") > 0
    assert (tmp_path / "data" / "test.txt").read_text().count("\n") == 4  # the Ani clips
    assert (tmp_path / "data" / f"MIR-1K.{kind}").read_bytes() == data


def test_cut_transfer_resumes_to_identical_archive(clips, tmp_path):
    data = zip_bytes(clips)
    source = download.Source("", "MIR-1K.zip", size=len(data), sha256=hashlib.sha256(data).hexdigest())
    with FlakyServer({"/MIR-1K.zip": data}, cut_at=0.4, cuts=2) as server:
        source.url = f"{server.url}/MIR-1K.zip"
        with pytest.raises(SvsError, match="run again to resume"):  # one run gives up after its retries...
            download.download(source, tmp_path, retries=0, quiet=True)
        part = tmp_path / "MIR-1K.zip.part"
        assert 0 < part.stat().st_size < len(data) and not (tmp_path / "MIR-1K.zip").exists()
        archive = download.download(source, tmp_path, retries=3, backoff=0.01, quiet=True)  # ...the next resumes
    assert archive.read_bytes() == data
    assert not part.exists()
    ranges = [r for _, r in server.requests]
    assert ranges[0] is None and all(r and r.startswith("bytes=") for r in ranges[1:])


def test_corrupted_byte_is_a_checksum_error_and_nothing_is_extracted(clips, manifest, tmp_path, capsys):
    data = zip_bytes(clips)
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0xFF
    with FlakyServer({"/MIR-1K.zip": bytes(bad)}) as server:
        assert run(server, "MIR-1K.zip", data, tmp_path, manifest) == 1
    error = capsys.readouterr().err
    assert "checksum error" in error and "MIR-1K.zip" in error
    assert hashlib.sha256(data).hexdigest() in error and hashlib.sha256(bad).hexdigest() in error
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == []  # no archive, no part, no dataset


@pytest.mark.parametrize("kind", ["zip", "rar"])
@pytest.mark.parametrize("evil", ["../escape.wav", "/tmp/svsrnn-absolute.wav", "link"])
def test_escaping_members_and_links_are_refused(kind, evil, clips, manifest, tmp_path):
    members = dict(list(clips.items())[:2])
    links = {}
    if evil == "link":
        links = {"MIR-1K/Wavfile/link.wav": "/etc/passwd"}
    else:
        members[evil] = b"escaped"
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, payload in members.items():
                archive.writestr(zipfile.ZipInfo(name), payload)
            for name, target in links.items():
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o120777 << 16
                archive.writestr(info, target)
        data = buffer.getvalue()
    else:
        data = rar4_archive(members, links)
    work = tmp_path / "work"
    with FlakyServer({f"/MIR-1K.{kind}": data}) as server:
        assert run(server, f"MIR-1K.{kind}", data, work, manifest) == 1
    assert not (work / "data" / "MIR-1K").exists()
    assert not (work / "escape.wav").exists() and not (tmp_path / "escape.wav").exists()
    assert not Path("/tmp/svsrnn-absolute.wav").exists()


def test_second_run_is_a_no_op(clips, manifest, tmp_path, capsys):
    data = zip_bytes(clips)
    with FlakyServer({"/MIR-1K.zip": data}) as server:
        assert run(server, "MIR-1K.zip", data, tmp_path, manifest) == 0
        lists = {p: (p.read_text(), p.stat().st_mtime_ns) for p in (tmp_path / "data").glob("*.txt")}
        first = len(server.requests)
        capsys.readouterr()
        assert run(server, "MIR-1K.zip", data, tmp_path, manifest) == 0
        assert len(server.requests) == first  # no network work
    assert "nothing to download" in capsys.readouterr().out
    assert lists == {p: (p.read_text(), p.stat().st_mtime_ns) for p in (tmp_path / "data").glob("*.txt")}


def test_damaged_clip_is_named(clips, manifest, tmp_path):
    members = dict(clips)
    name = next(iter(members))
    damaged = bytearray(members[name])
    damaged[-10] ^= 0xFF
    members[name] = bytes(damaged)
    data = zip_bytes(members)
    archive = tmp_path / "MIR-1K.zip"
    archive.write_bytes(data)
    code = download.main(["--source", str(archive), "--output", str(tmp_path / "data"), "--manifest", str(manifest),
                          "--quiet"])
    assert code == 1
    with pytest.raises(SvsError, match=Path(name).name + ": SHA-256"):
        download.verify_dataset(tmp_path / "data" / "MIR-1K", download.read_manifest(manifest), quiet=True)

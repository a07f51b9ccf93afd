"""Get MIR-1K, check it, and write the train/valid/test clip lists.

python download.py                                  # download, verify and extract into data/MIR1K
python download.py --source ../shared/mir1k         # use an extracted copy (or a local archive)
python download.py --source PATH --split huang2014  # Huang et al. 2014's singer protocol

Downloads resume (HTTP Range) after an interruption, within a run and across runs; only an
archive whose size and checksum match gets its final name. Archive members that are links,
absolute paths or climb out with `..` are refused. Every clip is checked against the
manifest (mir1k_manifest.tsv: size, SHA-256, 16 kHz stereo). A second run does nothing.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import re
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils import SvsError, atomic_write_text, write_json, write_list

DATA_DIR = Path("data/MIR1K")
TRAIN_SINGERS = ("abjones", "amy")  # Huang et al. 2014 train on these two, test on the other 17
SPLITS = ("songs", "huang2014", "dev-amy", "dev-abjones")
CLIP_NAME = re.compile(r"^(?P<singer>[A-Za-z]+)_(?P<song>\d+)(?:_(?P<clip>\d+))?\.wav$")


MANIFEST = Path(__file__).resolve().parent / "mir1k_manifest.tsv"
VERIFIED_MARKER = ".svsrnn-verified"
CHUNK = 1 << 16


@dataclass
class Source:
    """One place MIR-1K can be fetched from, with what is known to check it."""
    url: str
    name: str
    size: int | None = None
    sha256: str | None = None
    md5: str | None = None


SOURCES = (  # tried in order; facts from the public archive (see README)
    Source("https://ndownloader.figshare.com/files/10256751", "MIR-1K.rar", size=797386646,
           sha256="5bf7d2c32de6fd9246b90460effff06a99464dc019ded7ce0901b67fd2316451",
           md5="1810d01457ccbb84a0b41c4da53eee74"),
    Source("http://mirlab.org/dataset/public/MIR-1K.rar", "MIR-1K.rar"),
    Source("http://mirlab.org/dataset/public/MIR-1K.zip", "MIR-1K.zip", md5="3a4e5acd740110ae481a836460dabb6a"),
)
RAR_TOOL_HELP = ("extracting MIR-1K.rar needs an external tool: install one (`apt-get install unar`, "
                 "`apt-get install libarchive-tools` for bsdtar, or unrar), or use the ZIP source "
                 "(--url http://mirlab.org/dataset/public/MIR-1K.zip)")


def file_digests(path: Path) -> dict[str, str]:
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha256.update(block)
            md5.update(block)
    return {"sha256": sha256.hexdigest(), "md5": md5.hexdigest()}


def check_archive(path: Path, source: Source) -> None:
    """Size and checksum against what the source promises; a mismatch deletes the file."""
    problem = None
    size = path.stat().st_size
    if source.size is not None and size != source.size:
        problem = f"size {size} bytes, expected {source.size}"
    else:
        digests = file_digests(path)
        for kind in ("sha256", "md5"):
            expected = getattr(source, kind)
            if expected and digests[kind] != expected.lower():
                problem = f"{kind.upper()} {digests[kind]}, expected {expected.lower()}"
                break
    if problem:
        path.unlink()
        raise SvsError(f"checksum error: {path.name} from {source.url} has {problem}; "
                       f"the file was deleted, run again to download it afresh")


class IncompleteDownload(ConnectionError):
    pass


def _fetch(source: Source, part: Path, timeout: float, quiet: bool) -> None:
    """Append the rest of `source` to `part`, asking for the missing range."""
    import progressbar

    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": "svsrnn-download"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(source.url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to send: the part is whole
            return
        raise
    with response:
        if have and response.status != 206:  # the server ignored Range: start over
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else source.size
        widgets = [f"{source.name} ", progressbar.Percentage(), " ", progressbar.Bar(), " ",
                   progressbar.DataSize(), " ", progressbar.FileTransferSpeed(), " ", progressbar.ETA()]
        bar = None if quiet else progressbar.ProgressBar(max_value=total or progressbar.UnknownLength,
                                                          widgets=widgets, initial_value=have)
        with open(part, "ab" if have else "wb") as handle:
            while block := response.read(CHUNK):
                handle.write(block)
                if bar is not None:
                    bar.update(handle.tell())
            written = handle.tell()
        if bar is not None:
            bar.finish(dirty=total is not None and written < total)
    if total is not None and written < total:
        raise IncompleteDownload(f"connection closed at {written} of {total} bytes")


def download(source: Source, folder: Path, retries: int = 5, backoff: float = 1.0, timeout: float = 60.0,
             quiet: bool = False) -> Path:
    """Fetch `source` into `folder` through `<name>.part`, resuming after failures; returns the
    verified archive. An archive already there and verified is reused without network work."""
    folder.mkdir(parents=True, exist_ok=True)
    final, part = folder / source.name, folder / f"{source.name}.part"
    origin = folder / f"{source.name}.part.url"
    if final.exists():
        check_archive(final, source)
        return final
    if part.exists() and (not origin.exists() or origin.read_text() != source.url):
        part.unlink()  # a part of some other source's file
    atomic_write_text(origin, source.url)
    for attempt in range(retries + 1):
        try:
            _fetch(source, part, timeout, quiet)
            break
        except urllib.error.HTTPError as error:
            if error.code < 500:
                raise SvsError(f"{source.url}: HTTP {error.code} {error.reason}") from None
            failure = error
        except urllib.error.URLError as error:
            if isinstance(error.reason, socket.gaierror):  # no such host, or no network: retrying won't help
                raise SvsError(f"{source.url}: cannot resolve the host ({error.reason})") from None
            failure = error
        except (http.client.HTTPException, ConnectionError, socket.timeout, OSError) as error:
            failure = error
        if attempt == retries:
            have = part.stat().st_size if part.exists() else 0
            raise SvsError(f"{source.url}: download failed after {retries} retries ({failure}); "
                           f"{have} bytes kept in {part}, run again to resume")
        delay = backoff * 2 ** attempt
        have = part.stat().st_size if part.exists() else 0
        print(f"{source.url}: {failure}; retrying in {delay:g} s from byte {have}", file=sys.stderr)
        time.sleep(delay)
    try:
        check_archive(part, source)
    finally:
        origin.unlink(missing_ok=True)
    part.replace(final)
    return final


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def archive_members(archive: Path):
    """(name, is_link) of every member; refuses archives that need a missing RAR tool."""
    if archive.suffix.lower() == ".zip":
        with zipfile.ZipFile(archive) as handle:
            return [(i.filename, (i.external_attr >> 16) & 0o170000 == 0o120000) for i in handle.infolist()]
    if archive.suffix.lower() == ".rar":
        import rarfile

        with rarfile.RarFile(archive) as handle:
            infos = handle.infolist()
            if any(i.compress_type != rarfile.RAR_M0 for i in infos):
                try:
                    rarfile.tool_setup()
                except rarfile.RarCannotExec:
                    raise SvsError(RAR_TOOL_HELP) from None
            return [(i.filename, bool(i.is_symlink() or i.file_redir)) for i in infos]
    raise SvsError(f"{archive}: not a .rar or .zip archive")


def extract(archive: Path, folder: Path) -> Path:
    """Extract into a temporary folder, then move MIR-1K into `folder`; returns the dataset.
    Nothing is written if any member is a link or would land outside the folder."""
    try:
        members = archive_members(archive)
    except (zipfile.BadZipFile, Exception) as error:
        if isinstance(error, SvsError):
            raise
        raise SvsError(f"{archive}: cannot read the archive ({error})") from None
    refused = [name for name, is_link in members if is_link or _unsafe(name)]
    if refused:
        raise SvsError(f"{archive}: refusing to extract, {len(refused)} member(s) are links or escape "
                       f"the target folder: {', '.join(refused[:5])}")
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / ".extracting"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    print(f"extracting {archive.name} ({len(members)} members)")
    if archive.suffix.lower() == ".zip":
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(staging)
    else:
        import rarfile

        with rarfile.RarFile(archive) as handle:
            handle.extractall(staging)
    dataset = find_dataset(staging)
    target = folder / "MIR-1K"
    shutil.rmtree(target, ignore_errors=True)
    dataset.replace(target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def read_manifest(path: Path = MANIFEST) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def verify_dataset(dataset: Path, manifest: dict[str, dict], check_hashes: bool = True,
                   quiet: bool = False) -> list[str]:
    """Check every Wavfile clip: present, 16 kHz stereo WAV, size and SHA-256 as in the manifest.
    Singers missing as a whole are allowed (returned as notes); anything else is an error."""
    import progressbar
    import soundfile as sf

    folder = dataset / "Wavfile"
    present = {p.name for p in folder.glob("*.wav")}
    singers_present = {row["singer"] for name, row in manifest.items() if name in present}
    missing = sorted(name for name, row in manifest.items()
                     if name not in present and row["singer"] in singers_present)
    problems = [f"{name}: missing" for name in missing]
    names = sorted(present & set(manifest))
    for name in progressbar.progressbar(names, prefix="verifying ") if not quiet else names:
        row, path = manifest[name], folder / name
        try:
            info = sf.info(path)
        except Exception as error:
            problems.append(f"{name}: not a readable WAV ({error})")
            continue
        if (info.samplerate, info.channels) != (16000, 2):
            problems.append(f"{name}: {info.samplerate} Hz, {info.channels} channels (expected 16000 Hz, 2)")
        elif path.stat().st_size != int(row["bytes"]):
            problems.append(f"{name}: {path.stat().st_size} bytes, expected {row['bytes']}")
        elif check_hashes and file_digests(path)["sha256"] != row["sha256"]:
            problems.append(f"{name}: SHA-256 differs from the manifest (damaged)")
    if not names:
        problems.append(f"no clip of the manifest in {folder}")
    if problems:
        raise SvsError(f"{dataset} failed verification ({len(problems)} problems): " + "; ".join(problems[:10])
                       + (" ..." if len(problems) > 10 else ""))
    notes = []
    absent = sorted({row["singer"] for row in manifest.values()} - singers_present)
    if absent:
        count = sum(row["singer"] in absent for row in manifest.values())
        notes.append(f"{count} clips of {len(absent)} singers are not in this copy ({', '.join(absent[:4])}"
                     f"{', ...' if len(absent) > 4 else ''})")
    unknown = sorted(present - set(manifest))
    if unknown:
        notes.append(f"{len(unknown)} clips not in the manifest were left unchecked: {', '.join(unknown[:3])}")
    return notes


def acquire(output: Path, sources: list[Source], manifest: dict[str, dict], check_hashes: bool,
            quiet: bool = False) -> Path:
    """The verified dataset under `output`: reused when already verified, else downloaded."""
    target = output / "MIR-1K"
    marker = target / VERIFIED_MARKER
    if marker.is_file():
        print(f"MIR-1K is already downloaded and verified in {target}: nothing to download")
        return target
    errors = []
    for source in sources:
        if source.name.endswith(".rar") and source in SOURCES and not _rar_tool_available():
            errors.append(f"{source.url}: skipped, {RAR_TOOL_HELP}")
            print(errors[-1], file=sys.stderr)
            continue
        try:
            archive = download(source, output, quiet=quiet)
            dataset = extract(archive, output)
            for note in verify_dataset(dataset, manifest, check_hashes, quiet):
                print(note)
            atomic_write_text(dataset / VERIFIED_MARKER, f"{source.url}\n")
            return dataset
        except SvsError as error:
            errors.append(str(error))
            print(f"error: {error}", file=sys.stderr)
            if "checksum error" in str(error) or len(sources) == 1:
                break
    raise SvsError("could not get MIR-1K:\n  " + "\n  ".join(errors))


def _rar_tool_available() -> bool:
    import rarfile
    try:
        rarfile.tool_setup()
        return True
    except rarfile.RarCannotExec:
        return False


def find_dataset(root: Path) -> Path:
    """The MIR-1K folder (the one holding Wavfile/) at or under `root`."""
    for candidate in (root, root / "MIR-1K", *sorted(root.glob("*/MIR-1K"))):
        if (candidate / "Wavfile").is_dir():
            return candidate
    raise SvsError(f"no MIR-1K dataset under {root}: expected {root}/MIR-1K/Wavfile/*.wav")


def song_of(path: Path) -> tuple[str, str]:
    match = CLIP_NAME.match(path.name)
    if not match:
        raise SvsError(f"{path}: not a MIR-1K clip name (<singer>_<song>_<clip>.wav)")
    return match["singer"], f"{match['singer']}_{match['song']}"


def group_by_song(files: list[Path]) -> dict[str, list[Path]]:
    songs: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(files):
        songs[song_of(f)[1]].append(f)
    return dict(songs)


def split_dataset(dataset: Path, split: str, seed: int = 0) -> tuple[dict[str, list[Path]], str, list[str]]:
    """Lists of clips for train/valid/test, the mixing rule of the protocol, and notes for the user."""
    clips = sorted((dataset / "Wavfile").glob("*.wav"))
    if not clips:
        raise SvsError(f"{dataset}/Wavfile holds no .wav clips")
    notes: list[str] = []
    rng = np.random.default_rng(seed)
    if split == "songs":
        undivided = sorted((dataset / "UndividedWavfile").glob("*.wav"))
        songs = {f.stem: [f] for f in undivided} if undivided else group_by_song(clips)
        notes.append(f"split over {len(songs)} songs from {'UndividedWavfile' if undivided else 'Wavfile'}")
        names = sorted(songs)
        rng.shuffle(names)
        n_train, n_valid = int(round(0.8 * len(names))), int(round(0.1 * len(names)))
        parts = {"train": names[:n_train], "valid": names[n_train:n_train + n_valid],
                 "test": names[n_train + n_valid:]}
        return {k: [f for name in sorted(v) for f in songs[name]] for k, v in parts.items()}, "sum", notes
    if split == "huang2014":
        songs = group_by_song([c for c in clips if song_of(c)[0] in TRAIN_SINGERS])
        if not songs:
            raise SvsError(f"no clips of {' or '.join(TRAIN_SINGERS)} in {dataset}/Wavfile")
        names = sorted(songs)
        rng.shuffle(names)
        n_valid = max(1, int(round(0.1 * len(names))))
        lists = {"train": sorted(f for n in names[n_valid:] for f in songs[n]),
                 "valid": sorted(f for n in names[:n_valid] for f in songs[n]),
                 "test": [c for c in clips if song_of(c)[0] not in TRAIN_SINGERS]}
        return lists, "0db", notes
    if split in ("dev-amy", "dev-abjones"):
        train_singer = split.split("-")[1]
        lists = {"train": [c for c in clips if song_of(c)[0] == train_singer],
                 "valid": [c for c in clips if song_of(c)[0] in TRAIN_SINGERS and song_of(c)[0] != train_singer],
                 "test": []}
        notes.append(f"singer-independent development split: train on {train_singer}, validate on the other")
        return lists, "0db", notes
    raise SvsError(f"unknown split {split!r}: choose from {SPLITS}")


def write_split(dataset: Path, split: str, output: Path) -> dict[str, list[Path]]:
    lists, mixing, notes = split_dataset(dataset, split)
    for note in notes:
        print(note)
    if not lists["test"] and split == "huang2014":
        print("the test singers are not in this copy of MIR-1K: test.txt is empty "
              "(evaluate on valid.txt, or get the full dataset)")
    for name, files in lists.items():
        write_list(output / f"{name}.txt", files)
    write_json(output / "split.json", {"split": split, "mixing": mixing, "dataset": str(dataset.resolve()),
                                       **{name: len(files) for name, files in lists.items()}})
    print(f"wrote {output}/train.txt ({len(lists['train'])} clips), valid.txt ({len(lists['valid'])}), "
          f"test.txt ({len(lists['test'])}); mixing rule {mixing}")
    return lists


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="an extracted MIR-1K folder or a local .rar/.zip archive")
    parser.add_argument("--url", help="download from this URL instead of the known mirrors")
    parser.add_argument("--sha256", help="expected SHA-256 of the file at --url")
    parser.add_argument("--split", default="songs", choices=SPLITS,
                        help="songs: the seed's random 80/10/10 over songs; huang2014: train on abjones+amy, "
                             "test on the rest; dev-amy/dev-abjones: train on one, validate on the other")
    parser.add_argument("--output", type=Path, default=DATA_DIR, help="where the data and lists go")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="clip manifest to verify against")
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=True,
                        help="check every clip's SHA-256 against the manifest (default on)")
    parser.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        manifest = read_manifest(args.manifest)
        if args.source is not None:
            if args.source.is_file():
                dataset = extract(args.source, args.output)
            else:
                dataset = find_dataset(args.source)
            for note in verify_dataset(dataset, manifest, args.verify, args.quiet):
                print(note)
        else:
            sources = list(SOURCES)
            if args.url:
                name = Path(urllib.request.urlparse(args.url).path).name or "MIR-1K.zip"
                sources = [Source(args.url, name, sha256=args.sha256)]
            dataset = acquire(args.output, sources, manifest, args.verify, args.quiet)
        write_split(dataset, args.split, args.output)
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: run again to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

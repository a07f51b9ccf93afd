"""The README and the experiment log: every link to a file or a heading of them leads somewhere, and
the contents of each name all its sections."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "experiments/README.md")


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but hyphens dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a markdown file's headings (slug, then -1, -2, ... on repeats); fenced code is skipped."""
    found, seen, fenced = set(), {}, False
    for line in path.read_text().split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        heading = re.match(r"#{1,6} (.+)", line)
        if heading and not fenced:
            anchor = slug(heading.group(1))
            found.add(f"{anchor}-{seen[anchor]}" if anchor in seen else anchor)
            seen[anchor] = seen.get(anchor, 0) + 1
    return found


def links(path: Path) -> list[str]:
    """The targets of a file's markdown links, [text](target), other than web addresses."""
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", path.read_text()) if not re.match(r"[a-z]+:", t)]


def broken(doc: str, root: Path = ROOT) -> list[str]:
    """The links of `doc` (a path under `root`) to a file that is missing or to a heading it lacks."""
    path, wrong, headings = root / doc, [], {}  # headings: each linked file's anchors, read once
    for target in links(path):
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if anchor and linked.is_file() and linked not in headings:
            headings[linked] = anchors(linked)
        if not linked.exists() or (anchor and anchor not in headings.get(linked, set())):
            wrong.append(target)
    return wrong


def test_anchors_follow_githubs_rule(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("# Title\n\n## +-4 against +-8, at the length\n\n```\n# not a heading\n```\n\n## Title\n")
    assert anchors(doc) == {"title", "-4-against--8-at-the-length", "title-1"}


@pytest.mark.parametrize("doc", DOCS)
def test_every_link_of_the_docs_leads_to_a_file_or_heading(doc):
    assert links(ROOT / doc), f"{doc} has no links: the pattern misses them"
    assert broken(doc) == []


def test_a_link_to_a_missing_heading_or_file_is_caught(tmp_path):
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "README.md").write_text("# Log\n\n## Pitch views\n")
    (tmp_path / "README.md").write_text("[views](experiments/README.md#pitch-views), [gone](experiments/README.md#ensembles), "
                                        "[dir](experiments/#x), [file](model/)\n")
    assert broken("README.md", tmp_path) == ["experiments/README.md#ensembles", "experiments/#x", "model/"]


def contents_gaps(path: Path) -> list[str]:
    """The `## ` sections of a document that its "Contents:" paragraph does not link to."""
    text = path.read_text()
    start = text.index("\nContents:")
    listed = set(re.findall(r"\]\(#([^)]+)\)", text[start:text.index("\n\n", start + 1)]))
    sections = [line[3:] for line in text.split("\n") if line.startswith("## ")]
    return [title for title in sections if slug(title) not in listed]


def test_the_contents_of_the_docs_name_every_section(tmp_path):
    for doc in DOCS:
        assert contents_gaps(ROOT / doc) == [], doc
    doc = tmp_path / "log.md"
    doc.write_text("# Log\n\nContents: [A](#a) ·\n[B c](#b-c)\n\n## A\n\n## B c\n\n## Added later\n")
    assert contents_gaps(doc) == ["Added later"]

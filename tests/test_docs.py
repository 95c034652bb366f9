"""A newcomer can follow every reference from inside the repository.

* Every citation of ``docs/aws-behaviour.md`` (in code, tests, notebook sources, data and
  docs) names only sections that exist there, and only D ids ("Lab decisions" D1, D2, ...)
  that exist.
* Every relative link in README.md and docs/*.md points to a file of the repository, and to
  an anchor of it where one is given; every reference-style link has its definition.
* Nothing in the repository cites documents kept outside it (the project's former fact sheet
  and design notes, or the folder they lived in).
* Learner-facing text (README.md, docs/, labs/src/) never calls the AWS pages the lab is built
  on "seed" pages or stories (the ``seed=`` argument of ``Lab`` and "seeded ids" are fine).

The checks work on the files git knows (tracked, or new and not ignored), skipping binary
files, so they cover what a clone would hold.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = ROOT / "docs" / "aws-behaviour.md"
CITED = "aws-behaviour.md"
SELF = Path(__file__).resolve().relative_to(ROOT).as_posix()


# ---- the repository's files ----------------------------------------------------------------------


@cache
def repository_files() -> tuple[str, ...]:
    """Paths (relative, POSIX) of the files git tracks or would track."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the repository's file list is unknown")
    names = sorted({n for n in out.decode("utf-8").split("\0") if n})
    return tuple(n for n in names if (ROOT / n).is_file())


@cache
def text_of(name: str) -> str | None:
    """The file's text, or None for a binary file."""
    data = (ROOT / name).read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def text_files() -> Iterator[tuple[str, str]]:
    for name in repository_files():
        text = text_of(name)
        if text is not None:
            yield name, text


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ---- Markdown: headings, anchors, links ----------------------------------------------------------

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
HTML_ID = re.compile(r"""<[a-zA-Z][^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE_USE = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])+)\]\[([^\]]*)\]")
REFERENCE_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def without_fences(text: str) -> str:
    """The text with fenced code blocks blanked (line numbers kept)."""
    return FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def without_code(text: str) -> str:
    """The text with fenced blocks and code spans blanked (line numbers kept)."""
    text = without_fences(text)
    return CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def heading_texts(text: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside code blocks."""
    return [(len(m.group(1)), m.group(2).strip()) for m in HEADING.finditer(without_fences(text))]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    visible = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    visible = re.sub(r"<[^>]+>", "", visible).lower()
    return re.sub(r"[^\w\- ]", "", visible).replace(" ", "-")


@cache
def anchors_of(name: str) -> frozenset[str]:
    """Every anchor a Markdown file offers: heading slugs (GitHub's, with -1, -2 for repeats)
    and explicit ``id``/``name`` attributes."""
    text = text_of(name) or ""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, heading in heading_texts(text):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    found.update(HTML_ID.findall(without_fences(text)))
    return frozenset(found)


def test_slugs_are_githubs() -> None:
    """The slug rule agrees with the anchors the docs already use."""
    assert slug("Where AWS's own pages disagree") == "where-awss-own-pages-disagree"
    assert slug("D1 · What MFA context each kind of credentials carries") == (
        "d1--what-mfa-context-each-kind-of-credentials-carries"
    )
    assert slug("Hands-on 2: `Bool` or `BoolIfExists`") == "hands-on-2-bool-or-boolifexists"
    assert slug("See [the site](site.md)") == "see-the-site"


# ---- docs/aws-behaviour.md: sections and D ids ---------------------------------------------------


@cache
def behaviour_sections() -> frozenset[str]:
    """The section names a citation may use: every heading of the page."""
    return frozenset(text for _, text in heading_texts(BEHAVIOUR.read_text(encoding="utf-8")))


@cache
def behaviour_ids() -> frozenset[str]:
    """The lab decisions' ids (``D1``, ``D2``, ...), from their anchors."""
    return frozenset(
        a.upper() for a in anchors_of("docs/aws-behaviour.md") if re.fullmatch(r"d\d+", a)
    )


def test_the_behaviour_page_has_its_sections_and_decisions() -> None:
    """The names code and notebooks cite are there, and every D id is written out once."""
    sections = behaviour_sections()
    for name in ("Lab decisions", "Condition keys", "Policy evaluation", "Service errors", "S3"):
        assert name in sections
    ids = behaviour_ids()
    assert {f"D{n}" for n in range(1, 13)} <= ids
    text = BEHAVIOUR.read_text(encoding="utf-8")
    for d in ids:
        assert len(re.findall(rf"\*\*{d} · |### {d} · ", text)) == 1, d
    assert sorted(int(d[1:]) for d in ids) == list(range(1, len(ids) + 1)), "D ids have gaps"


# What may follow the cited file name: separators, "and", quoted section names, D ids, an
# anchor. The citation ends at the first other token ("or", a closing parenthesis, a word).
_CITATION_TOKEN = re.compile(
    r"""
      (?P<space>\s+|[,;(`*]|\band\b)
    | "(?P<section>[^"\s](?:[^"]{0,78}[^"\s])?)"
    | “(?P<curly>[^”\s](?:[^”]{0,78}[^”\s])?)”
    | \b(?P<d>D\d+)\b
    | \#(?P<anchor>[\w-]+)
    """,
    re.VERBOSE,
)
# a line break with the comment or indentation the next line starts with (Python, Markdown
# percent sources, YAML, shell)
_CONTINUATION = re.compile(r"[ \t]*\r?\n[ \t]*(?:(?:#|//|\*|>)+[ \t]?)?")


@dataclass(frozen=True)
class Citation:
    file: str
    line: int
    sections: tuple[str, ...]
    ids: tuple[str, ...]
    anchors: tuple[str, ...]

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def parse_citation(after: str) -> tuple[list[str], list[str], list[str]]:
    """The section names, D ids and anchors a citation names, from the text after the file
    name (line breaks and comment markers already folded)."""
    sections: list[str] = []
    ids: list[str] = []
    anchors: list[str] = []
    at = 0
    while at < len(after):
        m = _CITATION_TOKEN.match(after, at)
        if m is None:
            break
        if m["section"] or m["curly"]:
            sections.append(" ".join((m["section"] or m["curly"]).split()))
        elif m["d"]:
            ids.append(m["d"])
        elif m["anchor"]:
            if at != 0:  # an anchor belongs to the file name right before it
                break
            anchors.append(m["anchor"])
        at = m.end()
    return sections, ids, anchors


def test_citations_are_parsed_as_written() -> None:
    """The forms the repository uses, including ones broken over comment lines."""

    def parse(text: str) -> tuple[list[str], list[str], list[str]]:
        return parse_citation(_CONTINUATION.sub(" ", text.replace('\\"', '"')))

    assert parse('``, "Lab decisions" D6 (which APIs') == (["Lab decisions"], ["D6"], [])
    assert parse('`, "Lab\n# decisions" D2.) Wait') == (["Lab decisions"], ["D2"], [])
    assert parse(' ("Lab decisions" D1 and "Condition keys") decides') == (
        ["Lab decisions", "Condition keys"],
        ["D1"],
        [],
    )
    assert parse(', \\"Lab decisions\\" D9)." }') == (["Lab decisions"], ["D9"], [])
    assert parse('``, D1, D6, D7 and "STS".') == (["STS"], ["D1", "D6", "D7"], [])
    assert parse("#d8)). Bob himself") == ([], [], ["d8"])
    assert parse('`, "Lab decisions" D6` or `docs/x.md, "Other"`') == (
        ["Lab decisions"],
        ["D6"],
        [],
    )
    assert parse(', "STS"): InvalidClientTokenId, "Not a section"') == (["STS"], [], [])
    assert parse('"\nCITED = "x"') == ([], [], [])  # the file name inside a string literal


@cache
def citations() -> tuple[Citation, ...]:
    found = []
    for name, text in text_files():
        if name.endswith(".ipynb") or name == SELF:  # built from labs/src; this file's examples
            continue
        for m in re.finditer(re.escape(CITED), text):
            after = text[m.end() : m.end() + 400].replace('\\"', '"')
            sections, ids, anchors = parse_citation(_CONTINUATION.sub(" ", after))
            found.append(
                Citation(
                    name, line_of(text, m.start()), tuple(sections), tuple(ids), tuple(anchors)
                )
            )
    return tuple(found)


def test_the_repository_cites_the_behaviour_page() -> None:
    """The scan finds the citations (a broken scan would pass every check below)."""
    cited = citations()
    files = {c.file for c in cited}
    assert len(cited) > 50
    assert any(f.startswith("iamlab/") for f in files)
    assert any(f.startswith("tests/") for f in files)
    assert any(f.startswith("labs/src/") for f in files)
    assert sum(1 for c in cited if c.ids) > 30


def test_every_cited_section_exists() -> None:
    sections = behaviour_sections()
    wrong = [
        f"{c.where()}: no section {name!r}"
        for c in citations()
        for name in c.sections
        if name not in sections
    ]
    assert not wrong, "\n".join([*wrong, f"sections: {sorted(sections)}"])


def test_every_cited_decision_exists() -> None:
    ids = behaviour_ids()
    wrong = [f"{c.where()}: no {d}" for c in citations() for d in c.ids if d not in ids]
    assert not wrong, "\n".join([*wrong, f"decisions: {sorted(ids, key=lambda d: int(d[1:]))}"])


def test_every_cited_anchor_exists() -> None:
    anchors = anchors_of("docs/aws-behaviour.md")
    wrong = [f"{c.where()}: no #{a}" for c in citations() for a in c.anchors if a not in anchors]
    assert not wrong, "\n".join(wrong)


# ---- relative links in README.md and docs/ -------------------------------------------------------


def markdown_files() -> list[str]:
    return [n for n in repository_files() if n == "README.md" or re.fullmatch(r"docs/.+\.md", n)]


@dataclass(frozen=True)
class Link:
    file: str
    line: int
    target: str


def links_of(name: str) -> list[Link]:
    """The link targets of a Markdown file: inline links, images and reference definitions."""
    text = text_of(name) or ""
    plain = without_code(text)
    found = [Link(name, line_of(plain, m.start()), m.group(1)) for m in INLINE_LINK.finditer(plain)]
    found += [
        Link(name, line_of(plain, m.start()), m.group(2))
        for m in REFERENCE_DEF.finditer(without_fences(text))
    ]
    return found


def broken(link: Link) -> str | None:
    """Why a relative link cannot be followed (None when it can, or when it is not relative)."""
    target = link.target
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None
    path, _, anchor = target.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        resolved = link.file
    else:
        if path.startswith("/"):
            return "an absolute path: write it relative to the file"
        full = (ROOT / link.file).parent / path
        try:
            resolved = full.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return "points outside the repository"
        if not full.exists():
            return "no such file"
        if full.is_dir():
            return None if not anchor else "an anchor on a folder"
    if anchor and resolved.endswith(".md") and anchor not in anchors_of(resolved):
        return f"no anchor #{anchor} in {resolved}"
    return None


def test_the_link_checker_finds_what_is_wrong(tmp_path: Path) -> None:
    """Missing files and anchors are caught; outside links and existing anchors pass."""
    assert broken(Link("README.md", 1, "docs/architecture.md")) is None
    assert broken(Link("README.md", 1, "docs/no-such-page.md")) == "no such file"
    assert broken(Link("docs/workshop.md", 1, "aws-behaviour.md#d8")) is None
    assert broken(Link("docs/workshop.md", 1, "aws-behaviour.md#d999")) == (
        "no anchor #d999 in docs/aws-behaviour.md"
    )
    assert broken(Link("docs/site.md", 1, "../../elsewhere.md")) == "points outside the repository"
    assert broken(Link("README.md", 1, "https://example.com/x.md#y")) is None
    assert broken(Link("docs/aws-behaviour.md", 1, "#lab-decisions")) is None


def test_every_relative_link_can_be_followed() -> None:
    files = markdown_files()
    assert "README.md" in files and "docs/architecture.md" in files
    wrong = []
    for name in files:
        for link in links_of(name):
            why = broken(link)
            if why:
                wrong.append(f"{link.file}:{link.line}: ({link.target}) {why}")
    assert not wrong, "\n".join(wrong)


def test_every_reference_link_is_defined() -> None:
    wrong = []
    for name in markdown_files():
        text = text_of(name) or ""
        defined = {m.group(1).lower() for m in REFERENCE_DEF.finditer(without_fences(text))}
        plain = without_code(text)
        for m in REFERENCE_USE.finditer(plain):
            label = (m.group(2) or m.group(1)).lower()
            if label not in defined:
                wrong.append(f"{name}:{line_of(plain, m.start())}: [{label}] is not defined")
    assert not wrong, "\n".join(wrong)


# ---- nothing refers to documents outside the repository ------------------------------------------

# spelled in pieces so that this file does not cite them itself
_OUTSIDE = re.compile(
    r"\bFAC"
    r"TS\b"  # the former fact sheet, with or without ".md" or an item number
    r"|\bDESI"
    r"GN(?:\.md\b|\s*§)"  # the former design notes
    r"|\.\./sha"
    r"red\b"  # the folder both lived in
)


def test_nothing_cites_documents_outside_the_repository() -> None:
    wrong = [
        f"{name}:{line_of(text, m.start())}: {text[m.start() : m.end() + 30].splitlines()[0]!r}"
        for name, text in text_files()
        for m in _OUTSIDE.finditer(text)
    ]
    assert not wrong, "cite docs/aws-behaviour.md or docs/architecture.md instead:\n" + "\n".join(
        wrong
    )


# ---- learners read the AWS pages' titles, never "seed" -------------------------------------------

_SEED = re.compile(
    r"""
      \bseeds?\b[\s-]+(?:[\w'’-]+\s+){0,2}?
        (?:pages?|stor(?:y|ies)|polic(?:y|ies)|cases?|texts?|documents?|materials?|examples?)\b
    | \bthe\s+seeds?\b(?!\s*(?:=|argument|parameter|value|of\s+(?:the\s+)?lab))
    | \bseeds?\s*\d{3}\b
    | \bseeds/
    """,
    re.VERBOSE | re.IGNORECASE,
)


def learner_files() -> list[str]:
    """README.md, docs/*.md and the notebooks' sources."""
    return markdown_files() + [n for n in repository_files() if re.fullmatch(r"labs/src/.+\.py", n)]


def test_the_seed_check_targets_the_pages_only() -> None:
    for said in (
        "one builder per seed story",
        "the seed pages' policy documents",
        "story (seed page)",
        "evaluate: seed cross-account MFA case",
        "the seed policy's two slips",
        "as the seed prints it",
        "seed 002",
        "see ../seeds/004.txt",
    ):
        assert _SEED.search(said), said
    for said in (
        "Lab(seed=3)",
        "seeded ids and keys",
        "`seed` fixes every generated id",
        "the seed= argument of Lab",
        "Base32StringSeed",
        "a seed of 0 gives the same keys",
    ):
        assert not _SEED.search(said), said


def test_learners_never_read_seed_for_the_aws_pages() -> None:
    wrong = [
        f"{name}:{line_of(text, m.start())}: {m.group(0)!r}"
        for name in learner_files()
        for text in [text_of(name) or ""]
        for m in _SEED.finditer(text)
    ]
    assert not wrong, "name the AWS page instead:\n" + "\n".join(wrong)

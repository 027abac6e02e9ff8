#!/usr/bin/python3
"""Every relative link in the documentation points to a file that exists.

usage: relative_links.py SOURCE_DIR

Checks README.md and docs/*.md (and every other Markdown file of the
repository): each link [text](target), image ![text](target) and reference
definition [label]: target that is not a URL (http:, https:, mailto:) must
name a file or folder of the repository, relative to the file that links to
it, and a #section after it must be a heading of that Markdown file (as GitHub
makes anchors: lower case, punctuation dropped, spaces to hyphens). Absolute
paths and paths that leave the repository are errors. Code blocks and code
spans are skipped. Exit code 0 when every link resolves, 1 otherwise.

Before checking, it runs on a planted example, so that a broken parser cannot
make it pass on everything.
"""
import os
import posixpath
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repository_files import repository_files  # noqa: E402

INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text):
    """(line number, line) outside fenced code blocks, with code spans blanked."""
    fenced = None
    for number, line in enumerate(text.splitlines(), 1):
        fence = FENCE.match(line)
        if fence:
            if fenced is None:
                fenced = fence.group(1)
            elif fence.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            yield number, re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """GitHub's anchor of a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text):
    seen, out = {}, set()
    fenced = None
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence:
            fenced = fence.group(1) if fenced is None else (None if fence.group(1) == fenced else fenced)
            continue
        heading = HEADING.match(line) if fenced is None else None
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            out.add(base if count == 0 else f"{base}-{count}")
    return out


def links(text):
    for number, line in prose_lines(text):
        for match in INLINE.finditer(line):
            yield number, match.group(1)
        reference = REFERENCE.match(line)
        if reference:
            yield number, reference.group(1)


def broken_links(root, names):
    """[(file, line, target, problem)] over the Markdown files among `names`."""
    files = set(names)
    folders = {posixpath.dirname(name) for name in names}
    while "" not in folders and folders:
        folders |= {posixpath.dirname(f) for f in folders}
    texts = {}

    def text_of(name):
        if name not in texts:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                texts[name] = f.read()
        return texts[name]

    problems = []
    for name in (n for n in names if n.endswith(".md")):
        for number, target in links(text_of(name)):
            if not target or SCHEME.match(target):
                continue
            path, _, anchor = target.partition("#")
            if path.startswith("/"):
                problems.append((name, number, target, "is an absolute path; link relative to this file"))
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            if resolved == ".." or resolved.startswith("../"):
                problems.append((name, number, target, "leaves the repository"))
                continue
            if resolved.rstrip("/") not in files and resolved.rstrip("/") not in folders and resolved != ".":
                problems.append((name, number, target, f"names {resolved}, which is not in the repository"))
                continue
            if anchor and resolved.endswith(".md") and resolved in files and anchor not in anchors(text_of(resolved)):
                problems.append((name, number, target, f"names the section #{anchor}, which {resolved} has no heading for"))
    return problems


def self_check():
    planted = {
        "README.md": "# Top\n\nSee [docs](docs/README.md), [gone](docs/gone.md), [up](../outside.md),\n"
                     "[abs](/etc/passwd), [web](https://example.org/x.md) and `[code](nowhere.md)`.\n",
        "docs/README.md": "# The docs\n\n## Share links, version 1\n\n[ok](#share-links-version-1) "
                          "[bad](#no-such-section) [back](../README.md#top)\n\n```\n[fenced](nowhere.md)\n```\n"
                          "[ref]: missing.md\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in planted.items():
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        got = sorted((name, line, target) for name, line, target, _ in broken_links(root, sorted(planted)))
    want = sorted([("README.md", 3, "docs/gone.md"), ("README.md", 3, "../outside.md"),
                   ("README.md", 4, "/etc/passwd"), ("docs/README.md", 5, "#no-such-section"),
                   ("docs/README.md", 10, "missing.md")])
    if got != want:
        print(f"relative_links.py is broken: on its planted example it found {got}, expected {want}")
        sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    self_check()
    root = sys.argv[1]
    names = repository_files(root)
    problems = broken_links(root, names)
    for name, number, target, problem in problems:
        print(f"{name}:{number}: the link ({target}) {problem}")
    if problems:
        print(f"{len(problems)} broken relative link(s)")
        sys.exit(1)
    checked = sum(1 for n in names if n.endswith(".md"))
    print(f"{checked} Markdown files: every relative link resolves")


if __name__ == "__main__":
    main()

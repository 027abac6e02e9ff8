#!/usr/bin/python3
"""No file of the repository cites a document outside it.

usage: no_outside_references.py SOURCE_DIR

The team's briefing documents (the design notes, the toolchain notes, the style
and anchor notes) and the shared and notes folders next to the repository are
not part of it: a newcomer with a clone cannot read them. Every comment and
document must cite docs/ instead, or state the fact itself. This scans every
file (binary files included, nothing excluded) and names each citation by file
and line. Exit code 0 when there is none, 1 otherwise.

Before scanning, the check is run on a planted example, so that a broken
pattern cannot make it pass on everything.
"""
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repository_files import repository_files  # noqa: E402

# Written so that this file does not match itself.
BRIEFING = "|".join(["DESIGN", "TOOLCHAIN", "STYLE", "ANCHORS"])
OUTSIDE = re.compile(
    r"\b(?:" + BRIEFING + r")\.md\b"   # the briefing documents, by name
    r"|\.\./shared\b"                  # the shared folder, relative to the repository
    r"|/work/\w")                      # any path of the machine's work area

def citations(root, names):
    """[(file, line number, the citation)] in the files `names` under `root`."""
    found = []
    for name in names:
        with open(os.path.join(root, name), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            for match in OUTSIDE.finditer(line):
                found.append((name, number, match.group(0)))
    return found


def self_check():
    planted = {
        "a.cpp": "// see " + "DESIGN" + ".md, \"Model\"\nint x;\n",
        "b.md": "ok line\nThe facts are in ../" + "shared/notes.\n",
        "c.sh": "# " + "TOOLCHAIN" + ".md says so\n",
        "d.txt": "/work/" + "shared/STYLE\n",
        "clean.md": "See docs/toolchain.md and [the design](docs/architecture.md).\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in planted.items():
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        got = {(name, line) for name, line, _ in citations(root, sorted(planted))}
    want = {("a.cpp", 1), ("b.md", 2), ("c.sh", 1), ("d.txt", 1)}
    if got != want:
        print(f"no_outside_references.py is broken: on its planted example it found {sorted(got)}, "
              f"expected {sorted(want)}")
        sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    self_check()
    root = sys.argv[1]
    names = repository_files(root)
    found = citations(root, names)
    for name, number, text in found:
        print(f"{name}:{number}: cites '{text}', which is outside the repository; "
              f"cite docs/ instead, or state the fact")
    if found:
        print(f"{len(found)} citation(s) of files outside the repository")
        sys.exit(1)
    print(f"{len(names)} files: none cites a file outside the repository")


if __name__ == "__main__":
    main()

"""The files of the repository, as the two documentation checks see them.

Inside a git work tree: every tracked file plus every new file that is not
ignored (`git ls-files --cached --others --exclude-standard`), so a file cited
before it is committed is still checked. Outside one (a source tarball): every
file under the root except the build trees and the git-ignored third-party
folders.
"""
import os
import subprocess

IGNORED_DIRS = {".git", "build", "third_party", "node_modules"}


def repository_files(root):
    """Paths relative to `root`, with '/' separators, sorted."""
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout
        names = {name.decode("utf-8", "replace") for name in out.split(b"\0") if name}
        # A file deleted in the work tree but still in the index is not there to read.
        return sorted(name for name in names if os.path.isfile(os.path.join(root, name)))
    except (OSError, subprocess.CalledProcessError):
        names = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
            for name in files:
                names.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
        return sorted(names)

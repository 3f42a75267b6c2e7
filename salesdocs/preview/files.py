"""The files the page may read and write, atomic saves, and the local history.

Only policy, client, deal and workspace template files are editable; a path is refused when it
is absolute, has a ``..`` or any odd segment (after URL decoding, so ``%2e%2e`` is refused too),
or resolves outside the workspace (a symlink that leaves it).  A save is atomic (temporary file,
fsync, rename), UTF-8, and keeps the file's line endings (and its BOM, if it had one); the text
itself is written as given, so comments stay.  Every save is kept in ``.salesdocs/history/``
(git-ignored), and so is whatever was on disk before it when the history does not have it yet:
no edit, from the page or from another editor, is ever lost.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from salesdocs.atomic import write_atomically
from salesdocs.errors import SalesdocsError
from salesdocs.render.inputs import TEMPLATE_SUFFIXES
from salesdocs.workspace import RULES_FILES

HISTORY_DIR = Path(".salesdocs") / "history"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
TEXT_TEMPLATE_SUFFIXES = tuple(s for s in TEMPLATE_SUFFIXES if s in (".html", ".css", ".svg"))


class FileRefused(SalesdocsError):
    """A path the page may not read or write (``status`` is the HTTP status to answer with)."""

    def __init__(self, zh: str, en: str, status: int = 403) -> None:
        super().__init__(zh, en)
        self.status = status


class Conflict(SalesdocsError):
    """The file changed on disk since the text the save was based on (or exists, for a creation)."""

    def __init__(self, current: bytes | None) -> None:
        super().__init__("文件在磁盘上已被修改，未保存", "the file changed on disk; not saved")
        self.current = current


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_of_path(rel: str) -> str | None:
    """``policy``, ``client``, ``deal`` or ``template`` for an editable workspace path, else None."""
    parts = rel.split("/")
    if not all(_SEGMENT.match(p) and ".." not in p for p in parts):
        return None
    if len(parts) == 2 and parts[0] == "rules" and parts[1].endswith(".yaml") and parts[1][:-5] in RULES_FILES:
        return "policy"
    if len(parts) == 2 and parts[0] in ("clients", "deals") and parts[1].endswith((".yaml", ".yml")):
        return parts[0][:-1]
    if len(parts) >= 2 and parts[0] == "templates" and parts[-1].endswith(TEXT_TEMPLATE_SUFFIXES):
        return "template"
    return None


def resolve(root: Path, rel: str) -> Path:
    """The file at workspace-relative ``rel``, when the page may touch it; else :class:`FileRefused`."""
    if kind_of_path(rel) is None:
        raise FileRefused(
            f"不能打开 {rel}：只能编辑工作区中的政策、客户、交易和模板文件",
            f"cannot open {rel}: only the workspace's policy, client, deal and template files can be edited",
        )
    root = root.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise FileRefused(f"不能打开 {rel}：它指向工作区之外", f"cannot open {rel}: it points outside the workspace")
    return root / rel


def read(root: Path, rel: str) -> bytes:
    path = resolve(root, rel)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileRefused(f"没有文件 {rel}", f"no file {rel}", status=404) from None


def _with_line_endings(text: str, before: bytes | None) -> bytes:
    """``text`` as UTF-8 with the line endings (and BOM) of the file it replaces."""
    lf = text.replace("\r\n", "\n").replace("\r", "\n")
    if before is not None and b"\r\n" in before:
        lf = lf.replace("\n", "\r\n")
    data = lf.encode("utf-8")
    return b"\xef\xbb\xbf" + data if before is not None and before.startswith(b"\xef\xbb\xbf") else data


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def save(root: Path, rel: str, text: str, *, if_match: str | None = None, create: bool = False) -> str:
    """Write ``text`` to ``rel`` atomically; returns the sha256 of the bytes written.

    ``if_match`` is the sha256 of the text the edit was based on: a different file on disk is a
    :class:`Conflict` carrying the current bytes.  ``create`` makes a new client or deal file and is a
    Conflict when it exists.
    """
    path = resolve(root, rel)
    before = _current(path)
    if create:
        if kind_of_path(rel) not in ("client", "deal"):
            raise FileRefused(f"只能新建客户或交易文件，不能新建 {rel}", f"only client and deal files can be created, not {rel}")
        if before is not None:
            raise Conflict(before)
    elif before is None:
        raise FileRefused(f"没有文件 {rel}", f"no file {rel}", status=404)
    elif if_match is None or if_match.strip().strip('"').lower() != sha256(before):
        raise Conflict(before)
    data = _with_line_endings(text, before)
    history = History(root, rel)
    if before is not None:
        history.keep(before, "disk")  # what was there, if the history lacks it (an edit made elsewhere)
    _write_atomic(path, data)
    history.keep(data, "save")
    return sha256(data)


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomically(path, data)  # keeps the file's permissions; a new one gets what open() would


@dataclass(frozen=True)
class Version:
    n: int
    sha256: str
    saved_at: str
    source: str  # "save" (from the page) or "disk" (found on disk before a save)
    size: int

    def to_json(self) -> dict[str, object]:
        return {"n": self.n, "sha256": self.sha256, "saved_at": self.saved_at, "source": self.source, "size": self.size}


class History:
    """The saved versions of one file: ``.salesdocs/history/<rel>/<n>.bytes`` plus ``<n>.json``."""

    def __init__(self, root: Path, rel: str) -> None:
        self.path = resolve(root, rel)  # only the files the page may edit have a history
        self.root = root.resolve()
        self.rel = rel
        self.folder = self.root / HISTORY_DIR / rel

    def versions(self) -> list[Version]:
        if not self.folder.is_dir():
            return []
        found = []
        for meta in self.folder.glob("*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                found.append(Version(**json.loads(meta.read_text(encoding="utf-8"))))
        return sorted(found, key=lambda v: v.n)

    def data(self, n: int) -> bytes:
        try:
            return (self.folder / f"{n}.bytes").read_bytes()
        except FileNotFoundError:
            raise FileRefused(f"{self.rel} 没有第 {n} 个历史版本", f"{self.rel} has no saved version {n}", status=404) from None

    def keep(self, data: bytes, source: str) -> int:
        """Add ``data`` as the next version, unless the latest version holds the same bytes; its number."""
        versions = self.versions()
        digest = sha256(data)
        if versions and versions[-1].sha256 == digest:
            return versions[-1].n
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.root / HISTORY_DIR.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# salesdocs preview: the local history of saves; never committed\n*\n", encoding="utf-8")
        n = versions[-1].n + 1 if versions else 1
        _write_atomic(self.folder / f"{n}.bytes", data)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        version = Version(n, digest, stamp, source, len(data))
        _write_atomic(self.folder / f"{n}.json", json.dumps(version.to_json()).encode())
        return n

    def changes(self) -> dict[int, dict[str, object]]:
        """What each version after the first changed from the one before it: ``{"lines": changed lines,
        "line": first changed line (1-based, in this version), "text": that line}``, for choosing a version to restore."""
        found: dict[int, dict[str, object]] = {}
        before: list[str] | None = None  # the first version is where the history starts: nothing to compare
        for version in self.versions():
            with contextlib.suppress(FileRefused):
                lines = self.data(version.n).decode("utf-8", errors="replace").splitlines()
                if before is None:
                    before = lines
                    continue
                # (old start, old end, new start, new end) of each changed run of lines
                edits = [
                    (i1, i2, j1, j2) for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=lines).get_opcodes() if tag != "equal"
                ]
                count = sum(max(i2 - i1, j2 - j1) for i1, i2, j1, j2 in edits)
                first = edits[0][2] if edits else -1  # where the first change is in this version
                text = lines[first].strip()[:80] if 0 <= first < len(lines) else ""
                found[version.n] = {"lines": count, "line": first + 1, "text": text}
                before = lines
        return found

    def restore(self, n: int) -> str:
        """Write version ``n`` back (itself a new save); returns the new sha256."""
        data = self.data(n)
        before = _current(self.path)
        if before is not None:
            self.keep(before, "disk")
        _write_atomic(self.path, data)
        self.keep(data, "save")
        return sha256(data)

"""Files in rules/, clients/ and deals/ whose name is not ``NAME.yaml``: never read, never silent.

* ``x.yml``, ``x.YAML`` …: an error. When ``x.yaml`` exists too (or the file's ``id:`` is another
  file's name) it is a second file for the same id — a ``duplicate-id`` error naming both;
  otherwise a ``wrong-suffix`` error asking to rename it to ``x.yaml``.
* ``x.yaml.txt`` (Notepad adds ``.txt``), ``x.yaml.bak`` …: a ``not-read`` warning.

Only ``.yaml`` files are read, so two files never silently give the same id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from salesdocs.errors import Problem

FOLDERS = ("rules", "clients", "deals")
_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([^\s\"'#]+)", re.MULTILINE)
_YAML_THEN_MORE = re.compile(r"\.ya?ml\.[^.]+$", re.IGNORECASE)


def misnamed_files(root: Path, rules_files: Mapping[str, object], is_backup: Callable[[Path], bool]) -> Iterator[Problem]:
    """A located problem for every file named like YAML but not ``NAME.yaml`` (backup copies excepted)."""
    for folder in FOLDERS:
        where = root / folder
        if not where.is_dir():
            continue
        for path in sorted(p for p in where.iterdir() if p.is_file()):
            if is_backup(path):
                continue
            rel = f"{folder}/{path.name}"
            if path.suffix.lower() in (".yaml", ".yml") and path.suffix != ".yaml":
                if folder == "rules" and path.stem not in rules_files:
                    continue  # an unknown rules file: its own warning
                yield _other_suffix(root, folder, path, rel)
            elif _YAML_THEN_MORE.search(path.name):
                yield _not_read(root, folder, path, rel)


def _other_suffix(root: Path, folder: str, path: Path, rel: str) -> Problem:
    target = f"{folder}/{path.stem}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = _ID_LINE.search(text) if folder != "rules" else None
    same = [target] if (root / target).is_file() else []
    if found and found.group(1) != path.stem and (root / folder / f"{found.group(1)}.yaml").is_file():
        same.append(f"{folder}/{found.group(1)}.yaml")
    if not same:
        return Problem(
            rel,
            0,
            0,
            "wrong-suffix",
            f"{path.name} 的扩展名是 {path.suffix}，不会被读取：salesdocs 只读取扩展名为 .yaml 的文件",
            f"{path.name} ends in {path.suffix} and is not read: salesdocs reads only files ending in .yaml",
            hint_zh=f"把文件改名为 {path.stem}.yaml",
            hint_en=f"rename the file to {path.stem}.yaml",
        )
    line, column = 0, 0
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start(1) - found.start() + 1
    other = same[0]
    source = text.splitlines()[line - 1] if line else ""
    return Problem(
        rel,
        line,
        column,
        "duplicate-id",
        f"{path.name} 与 {other} 是同一个编号的两个文件；{path.name} 不会被读取（扩展名不是 .yaml）",
        f"{path.name} and {other} are two files for the same id; {path.name} is not read (its name does not end in .yaml)",
        hint_zh=f"如果 {rel} 是复制出来的旧文件，删除它；如果是新的，给它一个新的编号，文件名和 id 都改成新编号，扩展名用 .yaml",
        hint_en=f"if {rel} is an old copy, delete it; if it is a new one, give it a new id: change both the file name and its id, "
        "and end the name in .yaml",
        source_line=source,
    )


def _not_read(root: Path, folder: str, path: Path, rel: str) -> Problem:
    base = path.name[: -len(path.suffix)]  # "x.yaml" of "x.yaml.txt"
    meant = Path(base).stem + ".yaml"
    if (root / folder / meant).is_file():
        hint_zh = f"已有 {folder}/{meant}；如果 {path.name} 是旧副本，删除它"
        hint_en = f"{folder}/{meant} exists already; if {path.name} is an old copy, delete it"
    else:
        hint_zh = f"如果要使用它，把文件改名为 {meant}（在资源管理器里打开“文件扩展名”显示，才能看到结尾的 {path.suffix}）"
        hint_en = f"to use it, rename the file to {meant} (turn on 'File name extensions' in Explorer to see the trailing {path.suffix})"
    return Problem(
        rel,
        0,
        0,
        "not-read",
        f"{path.name} 不会被读取：文件名的结尾是 {path.suffix}，不是 .yaml（记事本等编辑器保存时会加上 .txt）",
        f"{path.name} is not read: its name ends in {path.suffix}, not .yaml (Notepad and other editors add .txt when saving)",
        severity="warning",
        hint_zh=hint_zh,
        hint_en=hint_en,
    )

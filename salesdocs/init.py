"""``salesdocs init DIR``: a new workspace from the packaged defaults."""

from __future__ import annotations

import shutil
from pathlib import Path

from salesdocs.errors import UsageError
from salesdocs.policy.editor import read_ids, write_schemas
from salesdocs.policy.ids import IDS_FILE

DEFAULTS = Path(__file__).resolve().parent / "defaults"

TEMPLATES_README = """# 模板覆盖 · Template overrides

把 salesdocs 自带模板中的某个文件（例如 quote.html 或 base.css）复制到这里并修改，
同名文件会优先使用。删除这里的文件即恢复自带模板。品牌字体放在 fonts/ 下，
在 CSS 里用 @font-face 引用（只能引用工作区内的文件）。

自带模板在 salesdocs 安装目录下的 defaults/templates/ 里；在这台电脑上是：

    {packaged}

Copy a packaged template (e.g. quote.html or base.css) here and edit it: a file here
overrides the packaged one of the same name. Brand fonts go under fonts/ and are
referenced from CSS with @font-face (only files inside the workspace can be used).
The packaged templates are in defaults/templates/ of the salesdocs installation;
on this computer, the folder above. Its files: {files}
"""


def templates_readme() -> str:
    """The README init writes into templates/: how overrides work and where the packaged templates are."""
    packaged = (DEFAULTS / "templates").resolve()
    files = ", ".join(sorted(p.relative_to(packaged).as_posix() for p in packaged.rglob("*") if p.is_file()))
    return TEMPLATES_README.format(packaged=packaged, files=files)


def _plan(target: Path) -> list[tuple[Path, Path | None]]:
    """(destination, source) pairs; source None = the templates README."""
    plan: list[tuple[Path, Path | None]] = []
    base = DEFAULTS / "workspace"
    for src in sorted(base.rglob("*.yaml")):
        plan.append((target / src.relative_to(base), src))
    for src in sorted((DEFAULTS / "schemas").glob("*.schema.json")):
        if src.name != IDS_FILE:  # the packaged one lists the sample's ids: written from the new files below
            plan.append((target / "schemas" / src.name, src))
    plan.append((target / "templates" / "README.md", None))
    return plan


def init_workspace(target: Path) -> list[Path]:
    """Create the workspace; refuses to overwrite any existing file (nothing is written then)."""
    plan = _plan(target)
    existing = [dest for dest in (*(d for d, _ in plan), target / "schemas" / IDS_FILE) if dest.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing[:5]) + (" …" if len(existing) > 5 else "")
        raise UsageError(
            f"不会覆盖已有文件：{names}。请换一个空目录。",
            f"refusing to overwrite existing files: {names}. Choose an empty folder.",
        )
    written = []
    for dest, src in plan:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src is None:
            dest.write_text(templates_readme(), encoding="utf-8")
        else:
            shutil.copyfile(src, dest)
        written.append(dest)
    written.extend(write_schemas(target, read_ids(target).ids))  # the editor's list of the new workspace's ids
    return written

"""salesdocs: policy-driven sales documents.

The public API (everything else is internal)::

    load_workspace(path) -> Workspace          raises PolicyError listing every problem
    check(path) -> CheckResult                 never raises for bad files
    quote(ws, deal) -> Quote
    due_dates(ws, service, tier, start) -> DueWindow
    refund(ws, service, tier, stage, amount) -> RefundResult
    refund_line(ws, deal, line, stage, pieces=None, paid=None) -> RefundResult
    build(path, out_dir=None, jobs=None, force=False) -> BuildReport
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesdocs.errors import PolicyError, Problem, SalesdocsError
from salesdocs.version import __version__

__all__ = [
    "PolicyError",
    "Problem",
    "SalesdocsError",
    "__version__",
    "build",
    "check",
    "due_dates",
    "load_workspace",
    "quote",
    "refund",
    "refund_line",
]

if TYPE_CHECKING:
    from salesdocs.api import due_dates, quote, refund, refund_line
    from salesdocs.workspace import CheckResult, load_workspace


def check(path: str | Path | None = None) -> CheckResult:
    """Check the workspace at ``path`` (or the current folder's): every problem, never raises for bad files."""
    from salesdocs.workspace import check_workspace, find_root

    return check_workspace(find_root(Path(path) if path is not None else None))


def build(path: str | Path | None = None, out_dir: str | Path | None = None, *, jobs: int | None = None, force: bool = False) -> Any:
    """Render every document of the workspace (see :func:`salesdocs.build.build`)."""
    from salesdocs.build import build as run
    from salesdocs.workspace import find_root

    return run(find_root(Path(path) if path is not None else None), Path(out_dir) if out_dir else None, jobs=jobs, force=force)


def __getattr__(name: str) -> Any:
    if name == "load_workspace":
        from salesdocs.workspace import load_workspace

        return load_workspace
    if name in ("quote", "due_dates", "refund", "refund_line"):
        from salesdocs import api

        return getattr(api, name)
    raise AttributeError(f"module 'salesdocs' has no attribute {name!r}")

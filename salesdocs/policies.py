"""Policy versions for the command line and scripts: release the working copy, list the releases,
compare two versions rule by rule.

    salesdocs.policies.release(root)                 -> PolicyRelease   (policies/<version>/)
    salesdocs.policies.listing(root)                 -> (releases, problems)
    salesdocs.policies.diff(root, "2026.1", "rules") -> PolicyDiff

Which policy a deal uses, and the workspace under it, is :func:`salesdocs.api.deal_workspace`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from salesdocs.errors import PolicyError, Problem, SalesdocsError
from salesdocs.model import Deal, Policy, PolicyRelease
from salesdocs.policy import releases
from salesdocs.policy.assemble import build_deal
from salesdocs.policy.diff import Change, affected, compare
from salesdocs.policy.reader import read_yaml, read_yaml_bytes
from salesdocs.policy.schema import coerce_text

if TYPE_CHECKING:
    from salesdocs.workspace import CheckResult


def _checked(root: Path) -> CheckResult:
    from salesdocs.workspace import check_workspace

    result = check_workspace(root)
    if result.partial is None:
        raise PolicyError(result.errors or result.problems)
    return result


def release(root: Path) -> PolicyRelease:
    """Snapshot the working policy ``rules/`` as ``policies/<version>/``, version and effective date
    read from the files.  The policy must pass ``check``; files that disagree on the version or the
    effective date, a version already released, or a date not after the newest release's are errors."""
    ws = _checked(root).partial
    assert ws is not None
    docs = {}
    for f in ws.policy.files:
        doc, _ = read_yaml_bytes(ws.sources[f.rel], f.rel)
        if doc is not None:
            docs[f.name] = doc
    mismatch = [p.as_error() for p in releases.version_problems(docs)]
    if mismatch:
        raise PolicyError(mismatch)
    files = {f.rel.removeprefix(f"{releases.WORKING}/"): ws.sources[f.rel] for f in ws.policy.files}
    first = ws.policy.files[0]
    return releases.write_release(ws.root, files, first.version, first.effective, ws.releases)


def listing(root: Path) -> tuple[tuple[PolicyRelease, ...], list[Problem]]:
    """The releases (oldest effective date first) and the problems with them (a changed file …)."""
    return releases.find_releases(root.resolve())


def users(deals: dict[str, Deal], all_releases: tuple[PolicyRelease, ...]) -> dict[str, str]:
    """Deal id → the version it uses (``rules`` when nothing is released); deals that cannot choose are left out."""
    out = {}
    for deal_id, deal in sorted(deals.items()):
        try:
            chosen = releases.choose(all_releases, deal.policy, deal.date)
        except SalesdocsError:  # an unknown pin or a date before every release: check reports it
            continue
        out[deal_id] = chosen.version if chosen is not None else releases.WORKING
    return out


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its name (a version or ``rules``), policy and effective date."""

    name: str
    policy: Policy
    effective: date
    draft: bool


@dataclass(frozen=True)
class PolicyDiff:
    old: Side
    new: Side
    changes: list[Change]
    #: deal id → the numbers (1-based) of the changes its documents would show if re-issued under ``new``
    affected: dict[str, list[int]]
    #: deal id → the version it uses today
    uses: dict[str, str]
    #: the exact inputs (the two policies' files), hashed into the PDF
    inputs: list[tuple[str, bytes]]


def _side(
    root: Path, name: str, found: tuple[PolicyRelease, ...], problems: list[Problem]
) -> tuple[Side, dict[str, bytes], dict[str, Deal]]:
    if name == releases.WORKING:
        ws = _checked(root).partial
        assert ws is not None
        raw = {f.rel: ws.sources[f.rel] for f in ws.policy.files}
        return Side(name, ws.policy, ws.policy.effective, True), raw, ws.deals
    chosen = releases.find_release(found, name)
    broken = [p for p in problems if p.file.startswith(f"{chosen.folder}/")]
    if broken:
        raise PolicyError(broken)
    policy, raw = releases.load_release(root, chosen)
    return Side(name, policy, chosen.effective, False), raw, {}


def _deals(root: Path) -> dict[str, Deal]:
    """The deals, read quickly: the diff needs only their lines, dates and pins, and ``check`` (not
    this listing) reports a deal file with mistakes, which is left out here."""
    out = {}
    folder = root / "deals"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        doc, problems = read_yaml(path, rel)
        if doc is None or problems:
            continue
        coerce_text(doc, "deal")
        try:
            out[path.stem] = build_deal(doc.data, rel)
        except (KeyError, TypeError, ValueError, AttributeError, SalesdocsError):  # not the schema's shape: check says why
            continue
    return out


def diff(root: Path, old: str, new: str) -> PolicyDiff:
    """Compare two versions (release versions or ``rules``) rule by rule, and say which deals it concerns."""
    root = root.resolve()
    found, problems = releases.find_releases(root)
    old_side, old_raw, deals_a = _side(root, old, found, problems)
    new_side, new_raw, deals_b = _side(root, new, found, problems)
    deals = deals_a or deals_b or _deals(root)
    changes = compare(old_side.policy, new_side.policy)
    inputs = [(f"{old}/{rel}", data) for rel, data in sorted(old_raw.items())] + [
        (f"{new}/{rel}", data) for rel, data in sorted(new_raw.items())
    ]
    return PolicyDiff(old_side, new_side, changes, affected(changes, deals, new_side.policy), users(deals, found), inputs)

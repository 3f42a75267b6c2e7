"""Policy releases: immutable snapshots of ``rules/`` under ``policies/<version>/``, and which one a deal uses.

A release is a copy of the rules files, byte for byte, plus ``manifest.json`` with the version, the
effective date and every file's SHA-256.  ``check`` verifies each snapshot against its manifest, so a
released file edited afterwards is an error naming the file.  A deal uses the release it pins
(``policy: 2026.1``), else the newest release effective on or before its date; with no release at all,
the working copy ``rules/``.  Older deals therefore never see rules released after them.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from salesdocs.errors import PolicyError, Problem, SalesdocsError, UsageError
from salesdocs.model import Deal, Policy, PolicyRelease, Workspace
from salesdocs.policy.assemble import build_policy
from salesdocs.policy.reader import Document, read_yaml_bytes
from salesdocs.policy.schema import coerce_text

if TYPE_CHECKING:
    from salesdocs.policy import checks

POLICIES = "policies"
MANIFEST = "manifest.json"
#: the name of the working copy wherever a version is expected (``--policy rules``, ``policy diff rules 2026.1``)
WORKING = "rules"
_VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ the working copy's version


def version_problems(rules: Mapping[str, Document]) -> list[Problem]:
    """Rules files whose ``version`` or ``effective`` differs from the others' (the majority's)."""
    problems: list[Problem] = []
    for key, zh in (("version", "版本号"), ("effective", "生效日期")):
        values = {name: str(doc.data.get(key)) for name, doc in sorted(rules.items())}
        if len(set(values.values())) < 2:
            continue
        counts = Counter(values.values())
        common = max(counts, key=lambda v: (counts[v], v))
        for name, value in values.items():
            if value != common:
                doc = rules[name]
                problems.append(
                    doc.problem(
                        doc.pos((key,)),
                        "policy-version-mismatch",
                        f"{name}.yaml 的{zh}是 {value}，其他规则文件是 {common}：一个政策版本的所有文件必须一致",
                        f"{name}.yaml has {key} {value} while the other rules files have {common}: "
                        "all files of one policy version must agree",
                        severity="warning",
                        hint_zh="发布新版本时，每个规则文件的 version 与 effective 都要改成新版本的值",
                        hint_en="when you prepare a new release, change version and effective in every rules file",
                    )
                )
    return problems


# ------------------------------------------------------------------ reading and verifying releases


def _problem(rel: str, code: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "") -> Problem:
    return Problem(rel, 0, 0, code, zh, en, hint_zh=hint_zh, hint_en=hint_en)


_RESTORE_ZH = "已发布的政策不能修改：请恢复原文件（如 git checkout {rel}）；要改政策，请修改 rules/ 后发布新版本"
_RESTORE_EN = (
    "a released policy cannot change: restore the file (e.g. git checkout {rel}); "
    "to change the policy, edit rules/ and release a new version"
)


def _read_manifest(folder: Path, rel: str) -> tuple[PolicyRelease | None, list[Problem]]:
    manifest_rel = f"{rel}/{MANIFEST}"
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        version, effective, files = str(data["version"]), date.fromisoformat(data["effective"]), data["files"]
        listed = tuple(sorted((str(name), str(sha)) for name, sha in files.items()))
    except FileNotFoundError:
        return None, [
            _problem(
                rel,
                "release-manifest",
                f"{rel} 没有 {MANIFEST}，不是一个发布版本",
                f"{rel} has no {MANIFEST}: it is not a release",
                "policies/ 下只放 salesdocs policy release 生成的文件夹",
                "policies/ holds only folders made by salesdocs policy release",
            )
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, [_problem(manifest_rel, "release-manifest", f"发布清单无法读取：{exc}", f"the release manifest cannot be read: {exc}")]
    if version != folder.name:
        return None, [
            _problem(
                manifest_rel,
                "release-manifest",
                f"发布清单的版本 {version} 与文件夹名 {folder.name} 不一致",
                f"the manifest's version {version} differs from the folder name {folder.name}",
            )
        ]
    return PolicyRelease(version=version, effective=effective, folder=rel, files=listed), []


def _verify(folder: Path, release: PolicyRelease) -> list[Problem]:
    """Every file the manifest lists, unchanged, and nothing else."""
    problems = []
    listed = dict(release.files)
    for name, expected in release.files:
        rel = f"{release.folder}/{name}"
        fmt = {"rel": rel}
        try:
            actual = sha256((folder / name).read_bytes())
        except OSError:
            problems.append(
                _problem(
                    rel,
                    "release-modified",
                    f"已发布的政策 {release.version} 缺少文件 {name}",
                    f"the released policy {release.version} lacks its file {name}",
                    _RESTORE_ZH.format(**fmt),
                    _RESTORE_EN.format(**fmt),
                )
            )
            continue
        if actual != expected:
            problems.append(
                _problem(
                    rel,
                    "release-modified",
                    f"已发布的政策 {release.version} 中的文件 {name} 被改动过（与发布清单的校验码不符）",
                    f"the file {name} of the released policy {release.version} was changed (its hash differs from the manifest)",
                    _RESTORE_ZH.format(**fmt),
                    _RESTORE_EN.format(**fmt),
                )
            )
    for path in sorted(folder.iterdir()):
        if path.name not in listed and path.name != MANIFEST:
            rel = f"{release.folder}/{path.name}"
            problems.append(
                _problem(
                    rel,
                    "release-modified",
                    f"已发布的政策 {release.version} 中多了文件 {path.name}（发布清单中没有）",
                    f"the released policy {release.version} has an extra file {path.name} (not in its manifest)",
                    f"删除 {rel}",
                    f"remove {rel}",
                )
            )
    return problems


def find_releases(root: Path) -> tuple[tuple[PolicyRelease, ...], list[Problem]]:
    """The releases under ``policies/`` (oldest effective date first) and every problem with them."""
    base = root / POLICIES
    if not base.is_dir():
        return (), []
    releases: list[PolicyRelease] = []
    problems: list[Problem] = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        rel = f"{POLICIES}/{folder.name}"
        release, found = _read_manifest(folder, rel)
        problems.extend(found)
        if release is not None:
            problems.extend(_verify(folder, release))
            releases.append(release)
    return tuple(sorted(releases, key=lambda r: (r.effective, r.version))), problems


def logical_rel(name: str) -> str:
    """The rules file a released file is a copy of: ``services.yaml`` → ``rules/services.yaml``."""
    return f"{WORKING}/{name}"


@lru_cache(maxsize=16)
def _load(
    root: str, release: PolicyRelease, stamp: tuple[tuple[str, int, int], ...]
) -> tuple[Policy, dict[str, bytes], tuple[Problem, ...]] | tuple[None, None, tuple[Problem, ...]]:
    """Read a release (``stamp``: its files' sizes and times, so an edited file is read again)."""
    folder = Path(root) / release.folder
    broken = _verify(folder, release)
    if broken:  # a changed snapshot is never used: documents keep the rules as released
        return None, None, tuple(broken)
    docs: dict[str, Document] = {}
    raw: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name, _ in release.files:
        data = (folder / name).read_bytes()
        doc, found = read_yaml_bytes(data, f"{release.folder}/{name}")
        problems.extend(found)
        if doc is not None:
            kind = name.rsplit(".", 1)[0]
            coerce_text(doc, kind)  # the file is as released, when it passed the schema
            docs[kind] = replace(doc, rel=logical_rel(name))
        raw[logical_rel(name)] = data
    if any(p.severity == "error" for p in problems):
        return None, None, tuple(problems)
    policy = replace(build_policy(docs, raw), release=release.version)
    return policy, raw, ()


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            stat = path.stat()
            stamps.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def load_release(root: Path, release: PolicyRelease) -> tuple[Policy, dict[str, bytes]]:
    """The policy of a release and its files' bytes by the rules file they copy (``rules/services.yaml``).

    The snapshot must match its manifest; it is then only read, not checked again: it passed every
    check when it was released, and checks added later must not make a signed policy unusable.
    Raises :class:`PolicyError` (located in ``policies/<version>/``) when a file changed.
    """
    root = root.resolve()
    policy, raw, problems = _load(str(root), release, _stamp(root / release.folder))
    if policy is None or raw is None:
        raise PolicyError(list(problems))
    return policy, raw


# ------------------------------------------------------------------ which policy


def find_release(releases: tuple[PolicyRelease, ...], version: str) -> PolicyRelease:
    """The release named ``version``; an unknown one is a usage error with a did-you-mean."""
    for release in releases:
        if release.version == version:
            return release
    zh, en = unknown_version(version, releases)
    raise UsageError(zh, en)


def unknown_version(version: str, releases: tuple[PolicyRelease, ...]) -> tuple[str, str]:
    """The message for a version that is not released, with the closest one."""
    known = [r.version for r in releases]
    if not known:
        return (
            f"政策版本 {version} 不存在：还没有发布过任何版本（salesdocs policy release）",
            f"policy version {version} does not exist: nothing has been released yet (salesdocs policy release)",
        )
    close = difflib.get_close_matches(version, known, n=1, cutoff=0.5)
    hint_zh, hint_en = (f"（是不是 {close[0]}？）", f" (did you mean {close[0]}?)") if close else ("", "")
    choices = ", ".join(known)
    return (
        f"政策版本 {version} 不存在{hint_zh}；已发布：{choices}",
        f"policy version {version} does not exist{hint_en}; released: {choices}",
    )


def in_effect(releases: tuple[PolicyRelease, ...], day: date) -> PolicyRelease | None:
    """The newest release effective on or before ``day``."""
    candidates = [r for r in releases if r.effective <= day]
    return candidates[-1] if candidates else None


def choose(releases: tuple[PolicyRelease, ...], pinned: str | None, day: date) -> PolicyRelease | None:
    """The release a deal dated ``day`` uses (None: the working copy, when nothing is released).

    Raises :class:`UsageError` for a pin to an unknown version or a date before every release.
    """
    if pinned is not None:
        return find_release(releases, pinned)
    if not releases:
        return None
    release = in_effect(releases, day)
    if release is None:
        zh, en = _before_every_release(day, releases[0])
        raise UsageError(zh, en)
    return release


def _before_every_release(day: date, first: PolicyRelease) -> tuple[str, str]:
    return (
        f"{day.isoformat()} 早于最早发布的政策 {first.version} 的生效日期 {first.effective.isoformat()}，没有当时有效的政策版本",
        f"{day.isoformat()} is before {first.effective.isoformat()}, when the earliest release {first.version} took effect: "
        "no released policy was in effect then",
    )


def deal_problems(doc: Document, releases: tuple[PolicyRelease, ...], rules_sha: Mapping[str, str]) -> list[Problem]:
    """A deal's choice of policy: an unknown pin, a date before every release, unreleased edits it will not get.

    ``rules_sha`` maps each working rules file (``services.yaml``) to its hash.
    """
    data = doc.data
    pinned = data.get("policy")
    if pinned is not None:
        if any(r.version == str(pinned) for r in releases):
            return []
        zh, en = unknown_version(str(pinned), releases)
        return [doc.problem(doc.pos(("policy",)), "unknown-policy-version", zh, en)]
    if not releases:
        return []
    day = date.fromisoformat(data["date"])
    release = in_effect(releases, day)
    if release is None:
        zh, en = _before_every_release(day, releases[0])
        return [
            doc.problem(
                doc.pos(("date",)),
                "no-policy-in-effect",
                zh,
                en,
                hint_zh=f"用 policy: 写明本交易适用的已发布版本，如 policy: {releases[0].version}",
                hint_en=f"pin the release this deal was made under with policy:, e.g. policy: {releases[0].version}",
            )
        ]
    changed = sorted({name for name, sha in release.files if rules_sha.get(name) != sha} | (set(rules_sha) - dict(release.files).keys()))
    if release is releases[-1] and changed:
        return [
            doc.problem(
                doc.pos(("date",)),
                "unreleased-changes",
                f"本交易按已发布的政策 {release.version} 出具文件；rules/ 中尚未发布的修改（{'、'.join(changed)}）不适用于它",
                f"this deal's documents use the released policy {release.version}; the unreleased changes in rules/ "
                f"({', '.join(changed)}) do not apply to it",
                severity="warning",
                hint_zh="要让新规则生效，请发布新版本（salesdocs policy release）；预览工作稿用 --policy rules",
                hint_en="to put the new rules into effect, release them (salesdocs policy release); "
                "preview the working copy with --policy rules",
            )
        ]
    return []


def deal_release(doc: Document, releases: tuple[PolicyRelease, ...]) -> PolicyRelease | None:
    """The release a deal file (that passed :func:`deal_problems`) uses; None: the working copy."""
    pinned = doc.data.get("policy")
    day = date.fromisoformat(doc.data["date"])
    try:
        return choose(releases, None if pinned is None else str(pinned), day)
    except UsageError:
        return None


def workspace_checks(ctx: checks.Context, root: Path, releases: tuple[PolicyRelease, ...]) -> list[Problem]:
    """The workspace checks, each deal checked against the policy it uses (its release, or ``rules/``)."""
    from salesdocs.engine.calendar import calendar_for
    from salesdocs.policy import checks

    groups: dict[PolicyRelease | None, dict[str, Document]] = {}
    for stem, doc in ctx.deals.items():
        groups.setdefault(deal_release(doc, releases), {})[stem] = doc
    problems = checks.run(checks.WORKSPACE_CHECKS, replace(ctx, deals=groups.pop(None, {})))
    for release, deals in groups.items():
        assert release is not None
        try:
            policy, _ = load_release(root, release)
        except PolicyError as exc:  # a changed snapshot: find_releases has reported it already
            problems.extend(p for p in exc.problems if p.code != "release-modified")
            continue
        sub = checks.Context(rules=ctx.rules, clients=ctx.clients, deals=deals, policy=policy, calendar=calendar_for(policy))
        problems.extend(p for p in checks.run(checks.WORKSPACE_CHECKS, sub) if p not in problems)
    return problems


def view(ws: Workspace, version: str | None) -> Workspace:
    """The workspace as seen under a policy: ``version`` a release, ``rules`` the working copy marked 草稿
    (draft), None the working copy as it is (what deals use while nothing is released).

    Clients and deals stay the same; the policy and the rules files' bytes (``sources``) are the
    release's, so every document, hash and embedded file follows it.  Views are kept in ``ws.views``.
    """
    if version is None:
        return ws
    if version in ws.views:
        return ws.views[version]
    if version == WORKING:
        seen = replace(ws, policy=replace(ws.policy, draft=True), views={})
    else:
        policy, raw = load_release(ws.root, find_release(ws.releases, version))
        kept = {rel: data for rel, data in ws.sources.items() if not rel.startswith(f"{WORKING}/")}
        seen = replace(ws, policy=policy, sources={**kept, **raw}, views={})
    ws.views[version] = seen
    return seen


def deal_view(ws: Workspace, deal: Deal, policy: str | None = None) -> Workspace:
    """The workspace under the policy ``deal`` uses: ``policy`` when given (a version or ``rules``),
    else its pin, else the release in effect on its date, else (nothing released) the working copy."""
    if policy is not None:
        return view(ws, policy)
    release = choose(ws.releases, deal.policy, deal.date)
    return view(ws, release.version if release is not None else None)


def dated_view(ws: Workspace, day: date, policy: str | None = None) -> Workspace:
    """The workspace under ``policy`` (a version or ``rules``), else the release in effect on ``day``
    (for commands without a deal: ``due`` from its start date, an ad hoc ``refund``), else the working copy."""
    if policy is not None or not ws.releases:
        return view(ws, policy)
    release = in_effect(ws.releases, day)
    if release is None:
        zh, en = _before_every_release(day, ws.releases[0])
        raise UsageError(zh + "；请用 --policy 指定版本", en + "; name one with --policy")
    return view(ws, release.version)


# ------------------------------------------------------------------ making a release


def write_release(
    root: Path, files: Mapping[str, bytes], version: str, effective: date, releases: tuple[PolicyRelease, ...]
) -> PolicyRelease:
    """Snapshot ``files`` (rules file name → bytes) as ``policies/<version>/``, atomically.

    Refuses a version that exists, a name that is not a plain folder name, and an effective date
    not after the newest release's (a back-dated release would move older deals to new rules).
    """
    if version == WORKING or not _VERSION_NAME.match(version):
        raise SalesdocsError(
            f"版本号 {version} 不能用作发布名称：只能用字母、数字、点、横线和下划线，且不能是 {WORKING}",
            f"the version {version} cannot name a release: use letters, digits, dots, dashes and underscores, and not {WORKING}",
        )
    target = root / POLICIES / version
    if target.exists() or any(r.version == version for r in releases):
        raise SalesdocsError(
            f"政策版本 {version} 已经发布过（{POLICIES}/{version}），已发布的版本不能覆盖",
            f"policy version {version} is already released ({POLICIES}/{version}); a release cannot be overwritten",
        )
    newest = releases[-1] if releases else None
    if newest is not None and effective <= newest.effective:
        raise SalesdocsError(
            f"新版本 {version} 的生效日期 {effective.isoformat()} 必须晚于最新发布版本 {newest.version} 的生效日期 "
            f"{newest.effective.isoformat()}：否则已按 {newest.version} 出具的交易会改用新规则",
            f"the effective date {effective.isoformat()} of {version} must be after {newest.effective.isoformat()}, "
            f"when the newest release {newest.version} took effect: otherwise deals made under {newest.version} would change rules",
        )
    (root / POLICIES).mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root / POLICIES))
    try:
        for name, data in sorted(files.items()):
            (staging / name).write_bytes(data)
        manifest = {"version": version, "effective": effective.isoformat(), "files": {n: sha256(d) for n, d in sorted(files.items())}}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        staging.rename(target)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
    return PolicyRelease(
        version=version, effective=effective, folder=f"{POLICIES}/{version}", files=tuple(sorted((n, sha256(d)) for n, d in files.items()))
    )

"""Find a workspace, read every file in it, and turn it into a validated model.

The pipeline runs every stage over every file and collects *all* problems:
read (strict YAML) → schema → meaning checks → model.  A file that fails an
earlier stage is left out of the later ones, so one mistake is reported once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from salesdocs.engine.calendar import calendar_for
from salesdocs.errors import PolicyError, Problem, UsageError
from salesdocs.model import PolicyRelease, Workspace
from salesdocs.policy import checks
from salesdocs.policy.assemble import build_client, build_deal, build_policy
from salesdocs.policy.editor import stale_schemas
from salesdocs.policy.filenames import misnamed_files
from salesdocs.policy.ids import collect_ids
from salesdocs.policy.reader import Document, read_yaml
from salesdocs.policy.releases import deal_problems, find_releases, version_problems, workspace_checks
from salesdocs.policy.schema import validate
from salesdocs.policy.validated import read_validated

#: rules files and whether each must exist
RULES_FILES: dict[str, bool] = {
    "company": True,
    "services": True,
    "refunds": True,
    "terms": True,
    "aftersales": True,
    "presales": True,
    "calendar": False,
    "contract": True,
}


def find_root(start: Path | None = None) -> Path:
    """The folder holding ``rules/``: ``start`` or its nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "rules").is_dir():
            return folder
    raise UsageError(
        f"在 {here} 及其上级目录中找不到工作区（含 rules/ 文件夹的目录）；请进入工作区，或用 --workspace 指定，或用 salesdocs init 新建",
        f"no workspace (a folder with rules/) at or above {here}; cd into one, pass --workspace, or create one with salesdocs init",
    )


@dataclass
class CheckResult:
    """Everything ``check`` found, and the workspace when it has no errors."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    workspace: Workspace | None = None
    #: the policy plus every client and deal without errors, even when other files have errors
    #: (batch builds render what they can and report the rest)
    partial: Workspace | None = None
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


#: what Windows, macOS and editors add to a copied file's name: "x - 副本", "x (2)", "Copy of x", "x copy"
_BACKUP_NAME = re.compile(r"副本|^copy of |\bcopy\b|\(\d+\)$|\s\d+$", re.IGNORECASE)
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def is_backup_copy(path: Path) -> bool:
    """A file whose name is an id plus what a file manager adds to a copy (no id has spaces or brackets)."""
    return not _ID.fullmatch(path.stem) and bool(_BACKUP_NAME.search(path.stem))


def _all_yaml_files(folder: Path) -> list[Path]:
    """Every file of a folder named like YAML: ``.yaml``, ``.yml``, ``.YAML`` …"""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())


def _yaml_files(folder: Path) -> list[Path]:
    """The files of a folder that are read: ``.yaml`` exactly (other suffixes and backup copies have their own message)."""
    return [p for p in _all_yaml_files(folder) if p.suffix == ".yaml" and not is_backup_copy(p)]


def _backup_copies(root: Path) -> Iterator[Problem]:
    """A warning for each backup copy in rules/, clients/ and deals/ (they are left out, not read)."""
    for folder in ("rules", "clients", "deals"):
        for path in _all_yaml_files(root / folder):
            if not is_backup_copy(path):
                continue
            rel = path.relative_to(root).as_posix()
            new = folder != "rules"  # a new client or deal made by copying one keeps the copy's name
            yield Problem(
                rel,
                0,
                0,
                "backup-copy",
                f"{path.name} 看起来是另一个文件的备份副本，不会被使用",
                f"{path.name} looks like a backup copy of another file; it is not used",
                severity="warning",
                hint_zh=f"删除 {rel}，或把它移到工作区以外的文件夹"
                + ("；如果它是新建的，请把文件名改成它的 id（小写字母、数字和 -）" if new else ""),
                hint_en=f"delete {rel} or move it out of the workspace"
                + ("; if it is a new one, rename the file to its id (lower-case letters, digits and '-')" if new else ""),
            )


def check_workspace(root: Path) -> CheckResult:
    """Read, validate and build the workspace at ``root``; never raises for bad files."""
    root = root.resolve()
    result = CheckResult(root=root)
    reading = _Reading(root, result)
    rules, rules_ok = _read_rules(reading)
    clients = {p.stem: d for p in _yaml_files(root / "clients") if (d := reading.read(p, "client")) is not None}
    deals = {p.stem: d for p in _yaml_files(root / "deals") if (d := reading.read(p, "deal")) is not None}
    complete = len(clients) == len(_yaml_files(root / "clients")) and len(deals) == len(_yaml_files(root / "deals"))

    result.problems.extend(_backup_copies(root))
    result.problems.extend(misnamed_files(root, RULES_FILES, is_backup_copy))
    releases = _releases(result, rules, deals, reading.raw)
    ctx = checks.Context(
        rules=rules,
        clients=clients,
        deals=deals,
        client_files={p.stem for p in _yaml_files(root / "clients")},
        deal_files={p.stem for p in _yaml_files(root / "deals")},
    )
    policy_problems = checks.run(checks.POLICY_CHECKS, ctx)
    result.problems.extend(policy_problems)
    if rules_ok and not any(p.severity == "error" for p in policy_problems):
        _build(result, ctx, reading.raw, complete=complete, releases=releases)
    if not result.errors and complete:  # ids from every file: compare the editor's copy of them
        ids = collect_ids({k: d.data for k, d in rules.items()}, [d.data for d in clients.values()])
        result.problems.extend(stale_schemas(root, ids))
    result.problems.sort(key=Problem.sort_key)
    if result.partial is not None and not result.errors and complete:
        result.workspace = result.partial
    return result


@dataclass
class _Reading:
    """Reads the files of one workspace: keeps their bytes, counts them and collects their problems."""

    root: Path
    result: CheckResult
    raw: dict[str, bytes] = field(default_factory=dict)

    def read(self, path: Path, kind: str, *, required: bool = False) -> Document | None:
        """The file's document when it reads and passes the schema of ``kind``, else None."""
        rel = path.relative_to(self.root).as_posix()
        self.result.files += 1
        try:
            raw: bytes | None = path.read_bytes()
        except OSError:
            raw = None
        if raw is None:  # read_yaml says why it cannot be read
            doc, problems = read_yaml(path, rel, required=required)
            schema_problems = validate(doc, kind) if doc is not None else []
        else:
            self.raw[rel] = raw
            doc, problems, schema_problems = read_validated(raw, rel, kind, required=required)
        self.result.problems.extend([*problems, *schema_problems])
        if doc is None:
            return None
        return None if any(p.severity == "error" for p in schema_problems) else doc


def _read_rules(reading: _Reading) -> tuple[dict[str, Document], bool]:
    """The rules files that passed the schema by name, and whether every required one did."""
    rules_dir = reading.root / "rules"
    rules: dict[str, Document] = {}
    rules_ok = True
    for name, required in RULES_FILES.items():
        path = rules_dir / f"{name}.yaml"
        if not path.is_file():
            if required:
                rules_ok = False
                reading.result.problems.append(_missing_rules_file(name))
            continue
        doc = reading.read(path, name, required=required)
        if doc is None:
            rules_ok = False
        else:
            rules[name] = doc
    for path in _all_yaml_files(rules_dir):  # backup copies and a known name's other suffix have their own message
        if path.stem not in RULES_FILES and not is_backup_copy(path):
            reading.result.problems.append(_unknown_rules_file(path.relative_to(reading.root).as_posix(), path.name))
    return rules, rules_ok


def _missing_rules_file(name: str) -> Problem:
    return Problem(
        f"rules/{name}.yaml",
        0,
        0,
        "missing-file",
        f"缺少规则文件 rules/{name}.yaml",
        f"the rules file rules/{name}.yaml is missing",
        hint_zh=f"运行 salesdocs init 新建一个样例工作区（例如 salesdocs init /tmp/样例），"
        f"把其中的 rules/{name}.yaml 复制到这里再按你的政策修改",
        hint_en=f"run salesdocs init to make an example workspace (e.g. salesdocs init /tmp/example), copy its rules/{name}.yaml "
        "here and adapt it to your policy",
    )


def _unknown_rules_file(rel: str, filename: str) -> Problem:
    return Problem(
        rel,
        0,
        0,
        "unknown-file",
        f"不认识的规则文件 {filename}，它不会被使用",
        f"unknown rules file {filename}; it is not used",
        severity="warning",
        hint_zh=f"规则文件只能是：{'、'.join(n + '.yaml' for n in RULES_FILES)}",
        hint_en=f"rules files are: {', '.join(n + '.yaml' for n in RULES_FILES)}",
    )


def _releases(
    result: CheckResult, rules: dict[str, Document], deals: dict[str, Document], raw: dict[str, bytes]
) -> tuple[PolicyRelease, ...]:
    """The releases under ``policies/``; their problems, the rules files' version agreement and each deal's choice of policy."""
    releases, problems = find_releases(result.root)
    result.problems.extend(problems)
    result.problems.extend(version_problems(rules))
    rules_sha = {rel.removeprefix("rules/"): hashlib.sha256(data).hexdigest() for rel, data in raw.items() if rel.startswith("rules/")}
    for doc in deals.values():
        result.problems.extend(deal_problems(doc, releases, rules_sha))
    return releases


def _build(
    result: CheckResult, ctx: checks.Context, raw: dict[str, bytes], *, complete: bool, releases: tuple[PolicyRelease, ...] = ()
) -> None:
    """Build the policy, run the workspace checks (each deal under its policy), and keep every client and deal without errors."""
    policy = build_policy(ctx.rules, raw)
    ctx.policy = policy
    ctx.calendar = calendar_for(policy)
    result.problems.extend(workspace_checks(ctx, result.root, releases))
    bad = {p.file for p in result.errors}
    result.partial = Workspace(
        root=result.root,
        policy=policy,
        clients={k: build_client(d.data, d.rel) for k, d in ctx.clients.items() if d.rel not in bad},
        deals={k: build_deal(d.data, d.rel) for k, d in ctx.deals.items() if d.rel not in bad},
        sources=raw,
        releases=releases,
    )


def blocking_errors(result: CheckResult, uses: Iterable[str]) -> list[Problem]:
    """The one rule for work on a workspace with broken files: a document (or any piece of work) can be
    made when the policy could be built and none of the files it ``uses`` has errors.  Returns the
    errors that stop it: those in the files it uses, or every error when there is no policy."""
    if result.partial is None:
        return result.errors
    used = set(uses)
    return [p for p in result.errors if p.file in used]


def unused_broken_files(result: CheckResult, uses: Iterable[str]) -> list[str]:
    """Files with errors that the work using ``uses`` does not read (named in a warning, not blocking)."""
    used = set(uses)
    return sorted({p.file for p in result.errors if p.file not in used})


def load_workspace(path: Path | str | None = None) -> Workspace:
    """Load and validate a workspace; raises :class:`PolicyError` listing every problem."""
    root = find_root(Path(path) if path is not None else None)
    result = check_workspace(root)
    if result.workspace is None:
        raise PolicyError(result.errors or result.problems)
    return result.workspace

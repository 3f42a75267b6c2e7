"""Properties of the strict YAML reader and of `check`: whatever the input, problems, never a crash."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdocs.errors import Problem
from salesdocs.policy.reader import read_yaml_bytes

AGENCY = Path(__file__).resolve().parent / "fixtures" / "agency"
SERVICES_TEXT = (AGENCY / "rules" / "services.yaml").read_text(encoding="utf-8")

# pieces a person may type into a YAML file, right or wrong
FRAGMENTS = [
    "name",
    "price",
    "价格",
    "名称",
    "id",
    "a1",
    "revision-2",
    "first-draft",
    ":",
    ": ",
    "：",
    "：\u3000",
    "-",
    "- ",
    "-x",
    "?",
    "? ",
    "'",
    '"',
    "“",
    "”",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "，",
    "、",
    " ",
    "  ",
    "    ",
    "\t",
    "\u3000",
    "\n",
    "\n",
    "\n  ",
    "\n    ",
    "\r\n",
    "&a ",
    "*a",
    "&",
    "*",
    "!!str ",
    "!tag ",
    "<<: ",
    "---",
    "...",
    "%YAML 1.2",
    "# 注释",
    " #",
    "|",
    "|-",
    ">",
    ">-",
    "yes",
    "no",
    "on",
    "Off",
    "true",
    "null",
    "~",
    "7",
    "1.5",
    "-3",
    "1e400",
    "七",
    "70%",
    "120%",
    "2026-02-30",
    "2026/01/01",
    "9:00",
    "@",
    "`",
    "\\",
    "\\u",
    "\x07",
    "\ufeff",
    "\x85",
    "\u2028",
    "😀",
]
yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


@st.composite
def spliced_services(draw: st.DrawFn) -> str:
    """A real services.yaml (the fixture agency's) with a few fragments typed in at random places."""
    text = SERVICES_TEXT
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(yamlish) + text[at + cut :]
    return text


def _assert_well_formed(raw: bytes) -> None:
    doc, problems = read_yaml_bytes(raw, "rules/x.yaml")
    assert all(isinstance(p, Problem) for p in problems)
    # either a document (perhaps with warnings, e.g. a '#' cutting text) or the errors why not
    assert (doc is None) == any(p.severity == "error" for p in problems)
    lines = len(re.split(rb"\r\n|\r|\n", raw))  # as an editor counts them
    for p in problems:
        assert p.file == "rules/x.yaml"
        assert 1 <= p.line <= lines + 1, p
        assert p.column >= 1, p
        assert p.zh and p.en and p.code


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    _assert_well_formed(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    _assert_well_formed(text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=500, deadline=None)
@given(yamlish)
def test_yaml_like_text_never_raises(text: str) -> None:
    _assert_well_formed(text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=150, deadline=None)
@given(spliced_services())
def test_real_file_with_typing_mistakes_never_raises(text: str) -> None:
    _assert_well_formed(text.encode("utf-8", errors="surrogatepass"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_every_sample_file_reads_cleanly(encoding: str, sample_workspace: Path) -> None:
    paths = [p for p in sorted(sample_workspace.glob("*/*.yaml")) if p.parent.name in ("rules", "clients", "deals")]
    assert {p.parent.name for p in paths} == {"rules", "clients", "deals"}  # not vacuous
    for path in paths:
        doc, problems = read_yaml_bytes(path.read_text(encoding="utf-8").encode(encoding), path.name)
        assert problems == [] and doc is not None, path


# ---------------------------------------------------------------- check, in-process


@pytest.fixture(scope="module")
def scratch_workspace(pristine_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the fixture agency whose services.yaml the fuzz tests overwrite."""
    root = tmp_path_factory.mktemp("fuzzed") / "ws"
    shutil.copytree(pristine_workspace, root)
    yield root


def _check_json(root: Path, *extra: str) -> tuple[int, str, str]:
    from salesdocs import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main(["check", "--workspace", str(root), "--format", "json", *extra])
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            code = 0
    assert isinstance(code, int), code
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=300), spliced_services().map(lambda t: t.encode("utf-8", errors="surrogatepass"))))
def test_check_with_garbage_services_file_exits_1_without_traceback(raw: bytes, scratch_workspace: Path) -> None:
    (scratch_workspace / "rules" / "services.yaml").write_bytes(raw)
    code, out, err = _check_json(scratch_workspace)
    assert "Traceback" not in out + err
    assert code in (0, 1), err  # never 3 (internal bug)
    problems = json.loads(out)
    assert all(p["line"] >= 0 and p["column"] >= 0 for p in problems)
    if code == 1:
        assert any(p["severity"] == "error" for p in problems)
    if not raw.strip():
        assert code == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_check_with_binary_services_file_always_fails(raw: bytes, scratch_workspace: Path) -> None:
    # random bytes are never a valid service catalogue
    (scratch_workspace / "rules" / "services.yaml").write_bytes(raw)
    code, out, err = _check_json(scratch_workspace)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert any(p["file"] == "rules/services.yaml" and p["severity"] == "error" for p in json.loads(out))


def test_sample_workspace_passes_with_no_warnings(sample_workspace: Path) -> None:
    code, out, err = _check_json(sample_workspace, "--strict")
    assert (code, json.loads(out), err) == (0, [], "")


def test_check_does_not_import_weasyprint(pristine_workspace: Path, tmp_path: Path) -> None:
    program = (
        "import json, sys\n"
        "from salesdocs.cli import main\n"
        "try:\n"
        f"    main(['check', '--workspace', {str(pristine_workspace)!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint')\n"
        "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}, done.stderr

"""Compiler-style text for problems: ``file:line:col: error[code]: message``.

Followed by the source line with a caret under the column, then the hint.
"""

from __future__ import annotations

from salesdocs.errors import Problem

_LABEL = {
    "zh": {"error": "错误", "warning": "警告", "hint": "提示"},
    "en": {"error": "error", "warning": "warning", "hint": "hint"},
}


def format_problem(problem: Problem, lang: str = "zh") -> str:
    from rich.cells import cell_len  # lazy: only when there is something to lay out

    where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
    labels = _LABEL["en" if lang == "en" else "zh"]
    lines = [f"{where}: {labels[problem.severity]}[{problem.code}]: {problem.zh if lang != 'en' else problem.en}"]
    if lang == "both":
        lines.append(f"    {problem.en}")
    if problem.line and problem.source_line:
        number = str(problem.line)
        pad = " " * len(number)
        source = problem.source_line.replace("\t", " ")
        caret_at = cell_len(source[: max(problem.column - 1, 0)])
        lines.append(f" {number} | {source}")
        lines.append(f" {pad} | {' ' * caret_at}^")
    hints = []
    if lang in ("zh", "both") and problem.hint_zh:
        hints.append(f"{_LABEL['zh']['hint']}：{problem.hint_zh}")
    if lang in ("en", "both") and problem.hint_en:
        hints.append(f"hint: {problem.hint_en}")
    lines.extend("  = " + h.replace("\n", "\n      ") for h in hints)  # a YAML example in a hint keeps its indentation
    return "\n".join(lines)


def summary(problems: list[Problem], files: int, lang: str = "zh") -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    zh = f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告"
    en = f"checked {files} files: {errors} error(s), {warnings} warning(s)"
    return {"zh": zh, "en": en}.get(lang, f"{zh}\n{en}")

"""The Jinja2 environment documents are rendered with.

* One loader searches the template folders in order: the workspace's ``templates/``
  first (overrides), the packaged defaults after.  A folder given twice (after
  resolving symlinks) is searched once.
* The loader refuses names that are absolute, contain ``..`` or resolve (symlinks
  included) outside the folder they were found in.
* Sandboxed, ``autoescape=True`` for every template (whatever its extension) and
  ``StrictUndefined``: a missing value is an error, never an empty string.
* Templates compute nothing; the filters only format values the engine computed:
  ``yuan`` (Decimal → "¥12,345.60"), ``cn_date`` (date → "2026年11月26日"), ``rmb`` and ``en_date``
  (English: "RMB 12,345.60", "26 November 2026"),
  ``percent`` (Decimal("12.5") → "12.5%").

:func:`render_template` turns every failure into a :class:`~salesdocs.errors.RenderError`
naming the template, the line and, for undefined values, the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import TracebackType

import jinja2
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from salesdocs.errors import RenderError

__all__ = ["TemplateRefused", "cn_date", "en_date", "make_environment", "percent", "render_template", "rmb", "yuan"]


class TemplateRefused(TemplateNotFound):
    """A template name the loader will not serve (absolute, ``..``, or escaping its root)."""

    def __init__(self, name: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(name, f"template {name!r} refused: {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


class GuardedLoader(jinja2.BaseLoader):
    """Search ``roots`` in order; serve only files that resolve inside the root they are in."""

    def __init__(self, roots: Sequence[Path]) -> None:
        seen: set[Path] = set()
        self.roots: list[Path] = []
        for root in roots:
            resolved = Path(root).resolve()
            if resolved not in seen:
                seen.add(resolved)
                self.roots.append(resolved)
        # template filename (as given to Jinja) -> template name, for error messages
        self.names: dict[str, str] = {}

    @staticmethod
    def _check_name(name: str) -> tuple[str, ...]:
        if not name or "\x00" in name:
            raise TemplateRefused(name, "模板名为空或含非法字符", "empty name or illegal character")
        if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
            raise TemplateRefused(name, "不允许绝对路径", "absolute paths are not allowed")
        parts = tuple(p for p in re.split(r"[/\\]", name) if p not in ("", "."))
        if ".." in parts:
            raise TemplateRefused(name, "不允许使用 ..", "'..' is not allowed")
        if not parts:
            raise TemplateRefused(name, "模板名为空", "empty name")
        return parts

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = self._check_name(template)
        for root in self.roots:
            candidate = root.joinpath(*parts)
            if not os.path.lexists(candidate):
                continue
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                # dangling or looping symlink: not servable, and not silently skipped
                raise TemplateRefused(
                    template, f"{candidate} 无法解析（失效的链接？）", f"{candidate} cannot be resolved (broken link?)"
                ) from None
            if not resolved.is_relative_to(root):
                raise TemplateRefused(
                    template,
                    f"{candidate} 指向模板文件夹 {root} 之外",
                    f"{candidate} points outside the template folder {root}",
                )
            if not resolved.is_file():
                continue
            try:
                source = resolved.read_text(encoding="utf-8")
                mtime = resolved.stat().st_mtime
            except (OSError, UnicodeDecodeError) as exc:
                raise RenderError(f"模板 {template} 无法读取：{exc}", f"template {template} cannot be read: {exc}") from exc
            filename = str(candidate)
            self.names[filename] = template

            def uptodate(path: Path = resolved, mtime: float = mtime) -> bool:
                try:
                    return path.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, filename, uptodate
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            for path in root.rglob("*"):
                try:
                    if path.is_file() and path.resolve().is_relative_to(root):
                        found.add(path.relative_to(root).as_posix())
                except OSError:
                    continue
        return sorted(found)


# ---------------------------------------------------------------------------- filters


def yuan(value: Decimal) -> str:
    """Decimal → "¥12,345.60" (delegates to :func:`salesdocs.engine.money.format_yuan`)."""
    from salesdocs.engine.money import format_yuan  # lazy: keeps render importable on its own

    return format_yuan(value)


def cn_date(value: date) -> str:
    """date → "2026年11月26日" (no zero padding, as written in Chinese documents)."""
    if not isinstance(value, date):
        raise TypeError(f"cn_date expects a date, got {type(value).__name__}: {value!r}")
    from salesdocs.engine.dates import date_zh  # lazy: keeps render importable on its own

    return date_zh(value)


def percent(value: Decimal | int) -> str:
    """Decimal("70") → "70%", Decimal("12.5") → "12.5%", Decimal("12.50") → "12.5%"."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"percent expects a Decimal, got {type(value).__name__}: {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise TypeError(f"percent expects a finite number, got {value!r}")
    from salesdocs.engine.money import format_percent

    return f"{format_percent(number)}%"


def rmb(value: Decimal) -> str:
    """Decimal → "RMB 12,345.60" (English documents; :func:`salesdocs.engine.english.rmb_en`)."""
    from salesdocs.engine.english import rmb_en

    return rmb_en(value)


def en_date(value: date) -> str:
    """date → "26 November 2026" (English documents)."""
    if not isinstance(value, date):
        raise TypeError(f"en_date expects a date, got {type(value).__name__}: {value!r}")
    from salesdocs.engine.english import date_en

    return date_en(value)


FILTERS: dict[str, Callable[..., str]] = {"yuan": yuan, "cn_date": cn_date, "percent": percent, "rmb": rmb, "en_date": en_date}


def make_environment(template_dirs: Sequence[Path]) -> SandboxedEnvironment:
    """A sandboxed, autoescaping, strict environment over ``template_dirs`` (first wins)."""
    env = SandboxedEnvironment(
        loader=GuardedLoader(template_dirs),
        autoescape=True,
        undefined=StrictUndefined,
    )
    env.filters.update(FILTERS)
    return env


# ---------------------------------------------------------------------------- rendering


_UNDEFINED_NAME = re.compile(r"^'(?P<name>[^']+)' is undefined$")
_UNDEFINED_ATTR = re.compile(r"^'.+' has no attribute '(?P<attr>[^']+)'$")
_UNDEFINED_ITEM = re.compile(r"^.+ has no element (?P<item>.+)$")
_PATH = r"[A-Za-z_]\w*(?:\s*(?:\.\s*[A-Za-z_]\w*|\[[^\[\]]*\]))*"


def _template_location(exc: BaseException, names: Mapping[str, str]) -> tuple[str | None, int | None]:
    """Innermost template frame of ``exc``'s traceback (Jinja rewrites it to template lines)."""
    filename: str | None = None
    lineno: int | None = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            filename = tb.tb_frame.f_globals.get("__file__") or tb.tb_frame.f_code.co_filename
            lineno = tb.tb_lineno
        tb = tb.tb_next
    if filename is None:
        return None, None
    return names.get(filename, Path(filename).name), lineno


def _source_line(env: jinja2.Environment, template_name: str | None, lineno: int | None) -> str:
    if not template_name or not lineno or env.loader is None:
        return ""
    try:
        source, _, _ = env.loader.get_source(env, template_name)
    except Exception:
        return ""
    lines = source.splitlines()
    return lines[lineno - 1] if 0 < lineno <= len(lines) else ""


def _undefined_variable(message: str, line: str) -> str | None:
    """The variable as written in the template (``client.phone``) for an UndefinedError."""
    if m := _UNDEFINED_NAME.match(message):
        return m["name"]
    attr = None
    if m := _UNDEFINED_ATTR.match(message):
        attr = m["attr"]
    elif m := _UNDEFINED_ITEM.match(message):
        attr = m["item"].strip("'\"")
    if attr is None:
        return None
    # Find the expression on the template line that ends with this attribute.
    pattern = re.compile(rf"(?P<path>(?:{_PATH})?)\s*(?:\.\s*{re.escape(attr)}\b|\[\s*['\"]?{re.escape(attr)}['\"]?\s*\])")
    for m in pattern.finditer(line):
        path = re.sub(r"\s+", "", m.group(0))
        if m["path"]:
            return path
    return attr


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """Render ``name`` with ``context``; every failure becomes a RenderError (template, line, variable)."""
    names: Mapping[str, str] = getattr(env.loader, "names", {})
    try:
        template = env.get_template(name)
        return template.render(dict(context))
    except TemplateRefused as exc:
        refused = exc.name or name
        raise RenderError(f"模板 {refused} 被拒绝：{exc.reason_zh}", f"template {refused} refused: {exc.reason_en}") from None
    except TemplateNotFound as exc:
        missing = exc.name or name
        where = ""
        if missing != name:
            tname, lineno = _template_location(exc, names)
            where = f"（{tname} 第 {lineno} 行）" if tname else ""
            where_en = f" (in {tname} line {lineno})" if tname else ""
        else:
            where_en = ""
        roots = ", ".join(str(r) for r in getattr(env.loader, "roots", []))
        raise RenderError(
            f"找不到模板 {missing}{where}（查找位置：{roots}）",
            f"template {missing} not found{where_en} (searched: {roots})",
        ) from None
    except TemplateSyntaxError as exc:
        tname = names.get(exc.filename or "", exc.name or name)
        raise RenderError(
            f"模板 {tname} 第 {exc.lineno} 行：语法错误：{exc.message}",
            f"template {tname} line {exc.lineno}: syntax error: {exc.message}",
        ) from None
    except RenderError:
        raise
    except Exception as exc:  # UndefinedError, SecurityError, filter errors …
        tname, lineno = _template_location(exc, names)
        tname = tname or name
        at_zh = f"模板 {tname} 第 {lineno} 行" if lineno else f"模板 {tname}"
        at_en = f"template {tname} line {lineno}" if lineno else f"template {tname}"
        if isinstance(exc, UndefinedError):
            variable = _undefined_variable(str(exc.message or ""), _source_line(env, tname, lineno))
            if variable:
                raise RenderError(f"{at_zh}：变量 {variable} 未定义", f"{at_en}: undefined variable {variable}") from None
            raise RenderError(f"{at_zh}：{exc.message}", f"{at_en}: {exc.message}") from None
        if isinstance(exc, SecurityError):
            raise RenderError(f"{at_zh}：不允许的操作：{exc}", f"{at_en}: operation not allowed: {exc}") from None
        raise RenderError(f"{at_zh}：{type(exc).__name__}: {exc}", f"{at_en}: {type(exc).__name__}: {exc}") from None

"""The template environment: sandbox, autoescape, StrictUndefined messages, guarded loader, filters."""

from __future__ import annotations

import sys
import types
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pytest

from salesdocs.errors import RenderError
from salesdocs.render.environment import (
    TemplateRefused,
    cn_date,
    make_environment,
    percent,
    render_template,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    override = tmp_path / "ws" / "templates"
    default = tmp_path / "pkg" / "defaults"
    override.mkdir(parents=True)
    default.mkdir(parents=True)
    return override, default


def render_error(env: jinja2.Environment, name: str, context: dict[str, object]) -> RenderError:
    with pytest.raises(RenderError) as info:
        render_template(env, name, context)
    return info.value


# ---------------------------------------------------------------- autoescape & sandbox


def test_autoescape_html_and_extensionless(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "quote.html", "<p>{{ client }}</p>")
    write(override / "note", "{{ client }}")
    env = make_environment([override])
    value = '<img src="file:///etc/passwd">'
    expected = "&lt;img src=&#34;file:///etc/passwd&#34;&gt;"
    assert render_template(env, "quote.html", {"client": value}) == f"<p>{expected}</p>"
    assert render_template(env, "note", {"client": value}) == expected


def test_chinese_text_passes_through(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "q.html", "<h1>{{ title }}</h1>")
    env = make_environment([override])
    assert render_template(env, "q.html", {"title": "报价单 & 附录"}) == "<h1>报价单 &amp; 附录</h1>"


def test_environment_is_sandboxed_and_strict(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    env = make_environment([override])
    assert isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    assert env.undefined is jinja2.StrictUndefined
    write(override / "evil.html", "<p>ok</p>\n{{ value.__class__.__mro__ }}")
    err = render_error(env, "evil.html", {"value": 1})
    assert err.zh.startswith("模板 evil.html 第 2 行：不允许的操作：")
    assert err.en.startswith("template evil.html line 2: operation not allowed: ")
    assert "__class__" in err.en


# ---------------------------------------------------------------- error messages


def test_undefined_attribute_names_template_line_and_variable(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(
        override / "quote.html",
        "<html>\n<body>\n<h1>{{ client.name }}</h1>\n\n<p>电话：{{ client.phone }}</p>\n</body>\n</html>\n",
    )
    env = make_environment([override])
    err = render_error(env, "quote.html", {"client": {"name": "星河文化"}})
    assert err.zh == "模板 quote.html 第 5 行：变量 client.phone 未定义"
    assert err.en == "template quote.html line 5: undefined variable client.phone"


def test_undefined_top_level_nested_and_subscript(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "a.html", "{{ title }}\n{{ missing }}")
    write(override / "b.html", "x\ny\n{{ deal.client.contact.phone }}")
    write(override / "c.html", "{{ lines[0] }}\n{{ lines[3] }}")
    env = make_environment([override])
    assert render_error(env, "a.html", {"title": "t"}).en == "template a.html line 2: undefined variable missing"
    context: dict[str, object] = {"deal": {"client": {"contact": {}}}}
    assert render_error(env, "b.html", context).zh == "模板 b.html 第 3 行：变量 deal.client.contact.phone 未定义"
    assert render_error(env, "c.html", {"lines": ["a"]}).en == "template c.html line 2: undefined variable lines[3]"


def test_error_in_included_template_names_that_template(dirs: tuple[Path, Path]) -> None:
    override, default = dirs
    write(default / "parts" / "header.html", "<header>\n{{ company.logo }}</header>")
    write(override / "quote.html", "<html>\n{% include 'parts/header.html' %}\n</html>")
    env = make_environment([override, default])
    err = render_error(env, "quote.html", {"company": {}})
    assert err.en == "template parts/header.html line 2: undefined variable company.logo"


def test_error_in_block_of_child_template(dirs: tuple[Path, Path]) -> None:
    override, default = dirs
    write(default / "base.html", "<html>\n<body>\n{% block body %}{% endblock %}\n</body></html>")
    write(override / "quote.html", "{% extends 'base.html' %}\n{% block body %}\n<p>\n{{ deal.total }}\n</p>{% endblock %}")
    env = make_environment([override, default])
    err = render_error(env, "quote.html", {"deal": {}})
    assert err.en == "template quote.html line 4: undefined variable deal.total"


def test_syntax_error_and_not_found(dirs: tuple[Path, Path]) -> None:
    override, default = dirs
    write(override / "broken.html", "<p>\n{% if deal %}\n")
    env = make_environment([override, default])
    err = render_error(env, "broken.html", {"deal": 1})
    assert err.zh.startswith("模板 broken.html 第 2 行：语法错误：")
    assert err.en.startswith("template broken.html line 2: syntax error: Unexpected end of template.")
    err = render_error(env, "nope.html", {})
    assert err.zh == f"找不到模板 nope.html（查找位置：{override.resolve()}, {default.resolve()}）"
    assert err.en == f"template nope.html not found (searched: {override.resolve()}, {default.resolve()})"


def test_filter_error_becomes_render_error_with_line(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "q.html", "<p>\n{{ rate|percent }}</p>")
    env = make_environment([override])
    err = render_error(env, "q.html", {"rate": 0.7})
    assert err.en == "template q.html line 2: TypeError: percent expects a Decimal, got float: 0.7"


# ---------------------------------------------------------------- loader


def test_override_dir_beats_default_and_falls_back(dirs: tuple[Path, Path]) -> None:
    override, default = dirs
    write(default / "quote.html", "默认报价单")
    write(default / "appendix.html", "默认附录")
    write(override / "quote.html", "工作区报价单")
    env = make_environment([override, default])
    assert render_template(env, "quote.html", {}) == "工作区报价单"
    assert render_template(env, "appendix.html", {}) == "默认附录"
    assert env.list_templates() == ["appendix.html", "quote.html"]


def test_same_dir_twice_is_searched_once(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    override, default = dirs
    alias = tmp_path / "alias"
    alias.symlink_to(override, target_is_directory=True)
    env = make_environment([override, alias, default, override / "." / "..", default])
    loader: Any = env.loader
    assert loader.roots == [override.resolve(), default.resolve(), override.parent.resolve()]


@pytest.mark.parametrize(
    ("name", "zh_reason", "en_reason"),
    [
        ("../secret.html", "不允许使用 ..", "'..' is not allowed"),
        ("parts/../../secret.html", "不允许使用 ..", "'..' is not allowed"),
        ("..\\secret.html", "不允许使用 ..", "'..' is not allowed"),
        ("/etc/passwd", "不允许绝对路径", "absolute paths are not allowed"),
        ("C:\\Windows\\win.ini", "不允许绝对路径", "absolute paths are not allowed"),
    ],
)
def test_traversal_and_absolute_names_refused(dirs: tuple[Path, Path], name: str, zh_reason: str, en_reason: str) -> None:
    override, _ = dirs
    write(override.parent / "secret.html", "secret")
    env = make_environment([override])
    with pytest.raises(TemplateRefused):
        env.get_template(name)
    err = render_error(env, name, {})
    assert err.zh == f"模板 {name} 被拒绝：{zh_reason}"
    assert err.en == f"template {name} refused: {en_reason}"


def test_include_with_traversal_refused(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override.parent / "secret.html", "secret")
    write(override / "q.html", "{% include '../secret.html' %}")
    env = make_environment([override])
    err = render_error(env, "q.html", {})
    assert err.en == "template ../secret.html refused: '..' is not allowed"


def test_symlink_out_of_root_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    override, default = dirs
    outside = write(tmp_path / "outside" / "secret.html", "top secret")
    write(default / "quote.html", "默认")
    (override / "quote.html").symlink_to(outside)
    (override / "linked").symlink_to(outside.parent, target_is_directory=True)
    env = make_environment([override, default])
    err = render_error(env, "quote.html", {})
    # refused loudly: no silent fall back to the packaged default
    assert err.zh == f"模板 quote.html 被拒绝：{override.resolve() / 'quote.html'} 指向模板文件夹 {override.resolve()} 之外"
    assert err.en == (
        f"template quote.html refused: {override.resolve() / 'quote.html'} points outside the template folder {override.resolve()}"
    )
    assert "refused" in render_error(env, "linked/secret.html", {}).en
    with pytest.raises(TemplateRefused):
        env.get_template("linked/secret.html")


def test_symlink_inside_root_allowed(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "real" / "quote.html", "真实模板")
    (override / "quote.html").symlink_to(override / "real" / "quote.html")
    env = make_environment([override])
    assert render_template(env, "quote.html", {}) == "真实模板"


# ---------------------------------------------------------------- filters


def test_cn_date() -> None:
    assert cn_date(date(2026, 11, 26)) == "2026年11月26日"
    assert cn_date(date(2026, 1, 5)) == "2026年1月5日"
    assert cn_date(datetime(2026, 10, 8, 15, 30)) == "2026年10月8日"
    with pytest.raises(TypeError):
        cn_date("2026-11-26")  # type: ignore[arg-type]


def test_percent() -> None:
    assert percent(Decimal("70")) == "70%"
    assert percent(Decimal("12.5")) == "12.5%"
    assert percent(Decimal("12.50")) == "12.5%"
    assert percent(Decimal("100")) == "100%"
    assert percent(Decimal("0.00")) == "0%"
    assert percent(Decimal("-5")) == "-5%"
    assert percent(30) == "30%"
    for bad in (0.7, True, "70", Decimal("NaN")):
        with pytest.raises(TypeError):
            percent(bad)  # type: ignore[arg-type]


def test_filters_in_templates(dirs: tuple[Path, Path]) -> None:
    override, _ = dirs
    write(override / "q.html", "{{ day|cn_date }} 退款 {{ rate|percent }}")
    env = make_environment([override])
    out = render_template(env, "q.html", {"day": date(2026, 11, 26), "rate": Decimal("12.5")})
    assert out == "2026年11月26日 退款 12.5%"


def test_yuan_delegates_to_engine_money(dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    override, _ = dirs
    write(override / "q.html", "合计 {{ total|yuan }}")
    env = make_environment([override])
    calls: list[object] = []
    fake = types.ModuleType("salesdocs.engine.money")

    def format_yuan(value: Decimal) -> str:
        calls.append(value)
        return "<formatted>"

    fake.format_yuan = format_yuan  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "salesdocs.engine.money", fake)
    assert render_template(env, "q.html", {"total": Decimal("12345.6")}) == "合计 &lt;formatted&gt;"
    assert calls == [Decimal("12345.6")]


def test_yuan_matches_engine_money_when_available(dirs: tuple[Path, Path]) -> None:
    money = pytest.importorskip("salesdocs.engine.money")
    override, _ = dirs
    write(override / "q.html", "{{ total|yuan }}")
    env = make_environment([override])
    value = Decimal("12345.6")
    assert render_template(env, "q.html", {"total": value}) == str(markupsafe.escape(money.format_yuan(value)))

"""JSON Schema pass: shape errors mapped to line:column, in Chinese and English.

The schemas in ``schemas/`` (packaged with salesdocs) are the single source of
the files' shape; editors use the same files for hover help and completion.
Before validation, plain YAML numbers are turned back into their source text
wherever the schema asks for text (``founded: 2018``, ``version: 2026.1``), so a
non-programmer never has to quote a number that is meant as text.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from salesdocs.errors import Problem
from salesdocs.model.datetext import iso_date_for, nonexistent_date
from salesdocs.policy.ids import IDS_FILE, ids_schema
from salesdocs.policy.percentages import PERCENT_TEXT, percent_problems
from salesdocs.policy.reader import Document, PathKey, Position
from salesdocs.policy.typehints import VALUE_THAT_IS_A_COMMENT, describe, format_hint, text_that_reads_as_structure, type_hint

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "defaults" / "schemas"
_BASE = "https://salesdocs.example/schemas/"

_TYPE_ZH = {
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "boolean": "true 或 false",
    "object": "键值对（key: value）",
    "array": "列表（每项以“- ”开头）",
    "null": "空值",
}
_TYPE_EN = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping (key: value)",
    "array": "a list (items starting with '- ')",
    "null": "nothing",
}


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    """Every packaged schema by file name; ``ids.schema.json`` is the shape only (see :mod:`.ids`)."""
    schemas = {f.name: json.loads(f.read_text(encoding="utf-8")) for f in sorted(SCHEMA_DIR.glob("*.schema.json"))}
    schemas[IDS_FILE] = ids_schema(None)
    return schemas


def packaged_schemas() -> dict[str, str]:
    """The text of every packaged schema but the ids, by file name: what a workspace's schemas/ copies."""
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(SCHEMA_DIR.glob("*.schema.json")) if f.name != IDS_FILE}


def schema_document(kind: str) -> dict[str, Any] | None:
    """The packaged schema of a file kind (``terms``, ``deal`` …) as written, or None when there is none."""
    return _schemas().get(f"{kind}.schema.json")


def _inline(schema: Any, current: str) -> Any:
    """The schema with every ``$ref`` replaced by its target (our schemas are not recursive).

    Sibling keywords next to a ``$ref`` are annotations (title, description), which then win
    over the target's.  Validating without references is 2-3× faster: jsonschema's
    reference lookups dominate the time ``check`` spends validating.
    """
    if isinstance(schema, list):
        return [_inline(item, current) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target, where = _resolve({"$ref": schema["$ref"]}, current)
        merged = {**_inline(target, where), **{k: _inline(v, current) for k, v in schema.items() if k != "$ref"}}
        return merged
    return {k: (_inline(v, current) if k not in ("examples", "enum", "const", "default") else v) for k, v in schema.items()}


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    name = f"{kind}.schema.json"
    schema = {k: v for k, v in _inline(_schemas()[name], name).items() if k != "$defs"}
    return Draft202012Validator(schema, format_checker=_format_checker())


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    return FormatChecker(["date"])


def validate(doc: Document, kind: str) -> list[Problem]:
    """Validate ``doc`` against the schema of ``kind``; coerces text fields in place."""
    validator = _validator(kind)
    problems: list[Problem] = []
    doc.data = _coerce_text(doc, f"{kind}.schema.json", validator.schema, doc.data, (), problems)
    for error in validator.iter_errors(doc.data):
        problems.extend(_to_problems(doc, error, validator.schema))
    # one problem per place and code is enough
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for p in problems:
        key = (p.line, p.column, p.code)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def coerce_text(doc: Document, kind: str) -> None:
    """Only the text coercion of :func:`validate`, for a file known to be valid: a released policy
    file whose hash matches its manifest passed the schema when it was released."""
    name = f"{kind}.schema.json"
    doc.data = _coerce_text(doc, name, _schemas()[name], doc.data, (), [])


def _resolve(schema: Any, current: str) -> tuple[Any, str]:
    """Follow ``$ref`` (``file#/pointer`` or ``#/pointer``) to the schema it names."""
    while isinstance(schema, dict) and "$ref" in schema:
        file, _, pointer = schema["$ref"].partition("#")
        current = file or current
        schema = _schemas()[current]
        for part in pointer.strip("/").split("/"):
            if part:
                schema = schema[part]
    return schema, current


def _coerce_text(doc: Document, current: str, schema: Any, value: Any, path: PathKey, found: list[Problem]) -> Any:
    schema, current = _resolve(schema, current)
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: _coerce_text(doc, current, props.get(k, extra if isinstance(extra, dict) else None), v, (*path, k), found)
            for k, v in value.items()
        }
    if isinstance(value, list):
        items = schema.get("items")
        return [_coerce_text(doc, current, items, v, (*path, i), found) for i, v in enumerate(value)]
    if schema.get("type") == "string" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return doc.plain_text.get(path, str(value))
    found.extend(percent_problems(doc, schema, value, path))
    return value


def _title(schema: Any) -> tuple[str, str]:
    if isinstance(schema, dict) and "title" in schema:
        zh, _, en = str(schema["title"]).partition(" · ")
        return zh, en or zh
    return "", ""


def _where(path: PathKey, lang: str = "zh") -> str:
    """A readable place: ``services 第 1 项 › tiers 第 2 项`` (items counted from 1, as people count)."""
    if not path:
        return "文件顶层" if lang == "zh" else "the file"
    parts = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"第 {p + 1} 项" if lang == "zh" else f"item {p + 1}")
        else:
            parts.append(str(p))
    return " › ".join(parts)


@dataclass(frozen=True)
class _Spot:
    """Where a schema error is, and the ``field: `` label its messages start with."""

    path: PathKey
    pos: Position
    label: str
    root: dict[str, Any]  # the file's whole (inlined) schema


def _to_problems(doc: Document, error: Any, root: dict[str, Any]) -> Iterator[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        best = max(error.context, key=lambda e: len(e.absolute_path))
        yield from _to_problems(doc, best, root)
        return
    path: PathKey = tuple(error.absolute_path)
    field_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
    spot = _Spot(path, doc.pos(path), f"{field_name}: " if field_name else "", root)
    translate = _TRANSLATIONS.get(error.validator, _untranslated)
    yield from translate(doc, error, spot)


def _unknown_keys(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    allowed = sorted((error.schema.get("properties") or {}).keys())
    for key in error.instance:
        if key in allowed:
            continue
        home = _home_of(spot.root, spot.path, str(key))
        if home is not None:
            yield _misplaced_key(doc, spot.path, str(key), home)
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hz = f"是不是想写 {close[0]}？" if close else f"可用的键：{', '.join(allowed)}"
        he = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(allowed)}"
        yield doc.problem(
            doc.key_pos((*spot.path, key)),
            "unknown-key",
            f"未知的键 {key}",
            f"unknown key {key}",
            hint_zh=hz,
            hint_en=he,
        )


def _schema_at(root: dict[str, Any], path: PathKey) -> Any:
    """The (inlined) schema of the value at ``path``, or None."""
    schema: Any = root
    for part in path:
        if not isinstance(schema, dict):
            return None
        if isinstance(part, int):
            schema = schema.get("items")
        else:
            extra = schema.get("additionalProperties")
            schema = (schema.get("properties") or {}).get(part, extra if isinstance(extra, dict) else None)
    return schema


def _home_of(root: dict[str, Any], path: PathKey, key: str) -> PathKey | None:
    """The nearest enclosing mapping of ``path`` where ``key`` is a field: a key indented one level too deep."""
    for depth in range(len(path) - 1, -1, -1):
        schema = _schema_at(root, path[:depth])
        if isinstance(schema, dict) and key in (schema.get("properties") or {}):
            return path[:depth]
    return None


def _misplaced_key(doc: Document, path: PathKey, key: str, home: PathKey) -> Problem:
    inside = _where(path)
    if home:
        where_zh, where_en = f"{_where(home)} 下面", f"under {_where(home, 'en')}"
    else:
        where_zh, where_en = "文件顶层（顶格写，不缩进）", "at the top level of the file (not indented)"
    sibling = str(path[len(home)])
    return doc.problem(
        doc.key_pos((*path, key)),
        "misplaced-key",
        f"{key} 不能写在 {inside} 下面：它属于{where_zh}",
        f"{key} does not belong under {_where(path, 'en')}: it goes {where_en}",
        hint_zh=f"把 {key}: 这一行向左移，与 {sibling}: 对齐",
        hint_en=f"move the {key}: line left so that it lines up with {sibling}:",
    )


def _missing_field(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    inst = error.instance
    missing = re.findall(r"'([^']+)' is a required property", error.message) or [str(error.message)]
    name = missing[0]
    properties = error.schema.get("properties") or {}
    unknown = [str(k) for k in inst if k not in properties] if isinstance(inst, dict) else []
    if difflib.get_close_matches(name, unknown, n=1, cutoff=0.6):
        return  # a misspelt key: the unknown-key problem already says "did you mean"
    sub = properties.get(name, {})
    szh, sen = _title(sub if "title" in sub else _resolve(sub, "common.schema.json")[0])
    yield doc.problem(
        doc.key_pos(spot.path),  # the mapping's first key when the whole file lacks the field
        "missing-field",
        f"{_where(spot.path)} 缺少必填项 {name}" + (f"（{szh}）" if szh else ""),
        f"{_where(spot.path, 'en')} is missing the required field {name}" + (f" ({sen})" if sen else ""),
        hint_zh=f"加上一行 {name}: …",
        hint_en=f"add a line {name}: …",
    )


def _wrong_type(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    expected: list[str] = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    ezh = " 或 ".join(_TYPE_ZH.get(t, t) for t in expected)
    een = " or ".join(_TYPE_EN.get(t, t) for t in expected)
    if error.instance is None and "null" not in expected:  # a key written with nothing after it: a field left to fill
        yield _empty(doc, error.schema, spot, ezh, een)
        return
    actual_zh, actual_en = describe(error.instance)
    hz, he = type_hint(error.instance, expected)
    if not hz and "string" in expected and isinstance(error.instance, dict | list):
        hz, he = text_that_reads_as_structure(doc.source(spot.pos[0]), spot.pos[1])
    yield doc.problem(
        spot.pos,
        "wrong-type",
        f"{spot.label}应为{' ' if ezh[:1].isascii() else ''}{ezh}，实际是{actual_zh}",
        f"{spot.label}expected {een}, got {actual_en}",
        hint_zh=hz,
        hint_en=he,
    )


def _empty(doc: Document, schema: Any, spot: _Spot, ezh: str, een: str) -> Problem:
    """``start:`` with nothing after it: not filled in yet; the hint names what to write, with the schema's example."""
    kind_zh, kind_en, example_zh, example_en = ezh, een, "", ""
    if schema.get("format") == "date":  # a shared id definition's example would name the wrong kind of id; a date's fits
        example = (schema.get("examples") or ["2026-07-01"])[0]
        kind_zh, kind_en, example_zh, example_en = "日期", "a date", f"，例如 {example}", f", e.g. {example}"
    label = spot.label.removesuffix(": ")
    line = doc.source(spot.pos[0])
    at_dash = line.rstrip().endswith("-")  # an empty list item: '- ' with nothing after it
    commented = VALUE_THAT_IS_A_COMMENT.match(line)
    if commented is not None:  # 'title: #1 新品': what was typed is there, but YAML reads it as a comment
        before, text = commented.group(1), commented.group(2).rstrip()
        fixed = f'{before.strip()} "{text}"'
        return doc.problem(
            (spot.pos[0], len(before) + 1),
            "empty-value",
            f"{label + ' ' if label else '这一项'}的内容以“#”开头，YAML 把“#”和后面的文字当作注释，所以这里是空的",
            f"{label or 'this item'} starts with '#', which YAML reads as the start of a comment, so the value is empty",
            hint_zh=f"给整个值加引号：{fixed}",
            hint_en=f"quote the whole value: {fixed}",
        )
    return doc.problem(
        spot.pos,
        "empty-value",
        f"{label} 还没有填写" if label else "这里还没有填写",
        f"{label} is empty: fill it in" if label else "this is empty: fill it in",
        hint_zh=f"在{'“- ”' if at_dash else '冒号'}后面填写{kind_zh}{example_zh}",
        hint_en=f"write {kind_en} after the {'- ' if at_dash else 'colon'}{example_en}",
    )


def _not_allowed(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    inst = error.instance
    options = [str(o) for o in error.validator_value]
    close = difflib.get_close_matches(str(inst), options, n=1, cutoff=0.5)
    yield doc.problem(
        spot.pos,
        "not-allowed",
        f"{spot.label}“{inst}”不是允许的值，可选：{'、'.join(options)}",
        f"{spot.label}'{inst}' is not allowed; choose one of: {', '.join(options)}",
        hint_zh=f"是不是想写 {close[0]}？" if close else "",
        hint_en=f"did you mean `{close[0]}`?" if close else "",
    )


def _bad_format(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    kw, inst, label = error.validator, error.instance, spot.label
    if kw == "pattern" and "%" in str(error.validator_value) and isinstance(inst, str) and PERCENT_TEXT.match(inst):
        return  # a well-formed percentage out of 0-100: _percent_text_range says so
    if kw == "pattern" and error.validator_value == ID_PATTERN:
        yield _bad_id(doc, error, spot)
        return
    ex = error.schema.get("examples") if isinstance(error.schema, dict) else None
    example = str(ex[0]) if ex else ""
    code = "bad-date" if (kw == "format" or "[0-9]{4}-" in str(error.validator_value)) else "bad-format"
    missing = nonexistent_date(inst) if code == "bad-date" and isinstance(inst, str) else None
    meant = iso_date_for(inst) if code == "bad-date" and isinstance(inst, str) else None
    if meant is not None:  # 2026/11/20, 2026年11月20日, 2026-1-5: the person's date, in the one form files use
        example = meant
    if missing is not None:  # well formed, but no day of the calendar: say which part is wrong
        zh, en = f"{label}{missing[0]}", f"{label}{missing[1]}"
    elif code == "bad-date" and kw == "format":
        zh, en = f"{label}“{inst}”不是有效的日期", f"{label}'{inst}' is not a valid date"
    else:
        tzh, ten = _title(error.schema)
        zh, en = f"{label}“{inst}”格式不正确，应为{tzh}", f"{label}'{inst}' has the wrong format; expected {ten}"
    hint_zh = f"写成 {meant}（年-月-日，月和日都写两位数）" if meant else f"例如 {example}" if example else ""
    hint_en = f"write {meant} (year-month-day, two-digit month and day)" if meant else f"for example {example}" if example else ""
    if code == "bad-format" and isinstance(inst, str) and (told := format_hint(inst)) is not None:
        hint_zh, hint_en = told
    yield doc.problem(spot.pos, code, zh, en, hint_zh=hint_zh, hint_en=hint_en)


ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
_ID_RE = re.compile(ID_PATTERN)
#: an example id of the right kind, by the list an ``id`` is in or the field that names one
_ID_EXAMPLES = {
    "services": "logo-design",
    "service": "logo-design",
    "interests": "logo-design",
    "tiers": "standard",
    "tier": "standard",
    "ladders": "design",
    "refund_ladder": "design",
    "steps": "rev-2",
    "payment": "deposit",
    "categories": "source-file",
    "channels": "wechat",
    "duties": "record-projects",
    "cases": "tea-brand-2025",
    "articles": "payment",
    "items": "payment-deposit",
    "client": "lakeside-tea",
    "clients": "lakeside-tea",
    "deals": "2026-005-lakeside-launch",
}


def _in_words(title: str) -> str:
    """A schema title inside an English sentence: 'Service id' → 'service id' (acronyms stay)."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def _bad_id(doc: Document, error: Any, spot: _Spot) -> Problem:
    """An id in the wrong form: say the rule, and give an example of the right kind of id."""
    inst, label = error.instance, spot.label
    tzh, ten = _title(error.schema)
    what_zh = re.split(r"[（(：:]", tzh, maxsplit=1)[0].strip() or "编号"
    what_en = _in_words(re.split(r"[(:]", ten, maxsplit=1)[0].strip()) or "id"
    if what_en == "identifier":
        what_zh, what_en = "编号", "id"
    example = _id_example(doc, spot.path, str(inst))
    return doc.problem(
        spot.pos,
        "bad-format",
        f"{label}“{inst}”不是有效的{what_zh}：编号只能用小写英文字母、数字和“-”，并以字母或数字开头（不能有空格、大写字母、下划线或中文）",
        f"{label}'{inst}' is not a valid {what_en}: an id uses only lower-case letters, digits and '-', starting with a letter "
        "or digit (no spaces, capitals, underscores or Chinese)",
        hint_zh=f"例如 {example}",
        hint_en=f"for example {example}",
    )


def _id_example(doc: Document, path: PathKey, written: str) -> str:
    """The written id made valid (``Rev 2`` → ``rev-2``); a file's own id: its file name; else an id of the same kind."""
    folder, _, name = doc.rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    if path == ("id",) and folder in ("clients", "deals"):
        return stem if _ID_RE.match(stem) else _ID_EXAMPLES[folder]
    slug = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", written.lower())).strip("-")
    if slug and _ID_RE.match(slug) and slug != written and written.isascii():  # '标准版' → 'standard' cannot be guessed
        return slug
    names = [p for p in path if isinstance(p, str)]
    key = names[-2] if names and names[-1] == "id" and len(names) > 1 else (names[-1] if names else "")
    return _ID_EXAMPLES.get(key, "logo-design")


def _out_of_range(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    inst, bound, label = error.instance, error.validator_value, spot.label
    low = error.validator in ("minimum", "exclusiveMinimum")
    yield doc.problem(
        spot.pos,
        "out-of-range",
        f"{label}{inst} {'小于最小值' if low else '大于最大值'} {bound}",
        f"{label}{inst} is {'below the minimum' if low else 'above the maximum'} {bound}",
    )


def _empty_value(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    items = error.validator == "minItems"
    yield doc.problem(
        spot.pos,
        "empty-value",
        f"{spot.label}不能为空" + (f"（至少 {error.validator_value} 项）" if items else ""),
        f"{spot.label}must not be empty" + (f" (at least {error.validator_value} item(s))" if items else ""),
    )


def _one_of_keys(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    keys = list((error.schema.get("properties") or {}).keys())
    if isinstance(error.instance, dict) and any(k not in keys for k in error.instance):
        return  # a key that does not belong here: its own problem says so
    yield doc.problem(
        spot.pos,
        "one-of-keys",
        f"{spot.label}只能写其中一项：{'、'.join(keys)}",
        f"{spot.label}give exactly one of: {', '.join(keys)}",
    )


def _dependent_required(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    inst = error.instance
    for key, needs in error.validator_value.items():
        if key not in inst:
            continue
        for need in needs:
            if need not in inst:
                yield doc.problem(
                    doc.key_pos((*spot.path, key)),
                    "missing-field",
                    f"写了 {key} 就必须同时写 {need}",
                    f"{key} needs {need} as well",
                    hint_zh=f"加上一行 {need}: …（说明原因）",
                    hint_en=f"add a line {need}: … (the reason)",
                )


def _too_long(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    yield doc.problem(
        spot.pos,
        "too-long",
        f"{spot.label}太长（最多 {error.validator_value} 个字符）",
        f"{spot.label}too long (at most {error.validator_value} characters)",
    )


def _untranslated(doc: Document, error: Any, spot: _Spot) -> Iterator[Problem]:
    yield doc.problem(spot.pos, "schema", f"{spot.label}{error.message}", f"{spot.label}{error.message}")


_Translation = Callable[[Document, Any, _Spot], Iterator[Problem]]

#: JSON Schema keyword → the problems it means, in the words of the person who wrote the file
_TRANSLATIONS: dict[str, _Translation] = {
    "additionalProperties": _unknown_keys,
    "required": _missing_field,
    "type": _wrong_type,
    "enum": _not_allowed,
    "pattern": _bad_format,
    "format": _bad_format,
    "minimum": _out_of_range,
    "maximum": _out_of_range,
    "exclusiveMinimum": _out_of_range,
    "exclusiveMaximum": _out_of_range,
    "minItems": _empty_value,
    "minLength": _empty_value,
    "maxProperties": _one_of_keys,
    "minProperties": _one_of_keys,
    "dependentRequired": _dependent_required,
    "maxLength": _too_long,
}

"""Text left from an example: ``请填写``, ``请修改`` … that ``salesdocs init`` writes for you to replace.

Besides values with those words, the init template's own stand-ins (``联系人姓名``, ``000-0000-0000``,
``sales@example.com`` …) count: the template marks each with a trailing comment holding one of the
words (``phone: 000-0000-0000  # 请修改``), and :func:`template_placeholders` reads them from there.

``placeholder-text`` is a warning (an error under ``check --strict``) at the value: documents
would print the example's words as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from salesdocs.errors import Problem
from salesdocs.policy.checks.base import Context, policy_check
from salesdocs.policy.reader import Document, PathKey, read_yaml

#: the words the packaged example uses to ask for real content
MARKERS = re.compile(r"请填写|请修改|请替换")
#: what ``salesdocs init`` copies
TEMPLATE = Path(__file__).resolve().parents[2] / "defaults" / "workspace"


@functools.cache
def template_placeholders() -> frozenset[str]:
    """The init template's values on a line whose comment holds a marker word (``name: 联系人姓名  # 请修改``)."""
    found: set[str] = set()
    for path in sorted(TEMPLATE.rglob("*.yaml")):
        doc, _ = read_yaml(path, path.relative_to(TEMPLATE).as_posix())
        if doc is None:
            continue
        for where, text in texts_of(doc.data, ()):
            line = doc.lines[doc.pos(where)[0] - 1]
            if " #" in line and MARKERS.search(line.split(" #", 1)[1]) and not MARKERS.search(text):
                found.add(text)
    return frozenset(found)


def is_placeholder(text: str) -> bool:
    """Whether a value is still the example's: words asking for content, or a stand-in of the init template."""
    return bool(MARKERS.search(text)) or text.strip() in template_placeholders()


def texts_of(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_of(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts_of(item, (*path, i))


def placeholder_problems(doc: Document) -> Iterator[Problem]:
    whole = "\n".join(doc.lines)
    if not MARKERS.search(whole) and not any(value in whole for value in template_placeholders()):
        return  # the common case: one scan of the file's text instead of a walk over its values
    for path, text in texts_of(doc.data, ()):
        if not is_placeholder(text):
            continue
        yield doc.problem(
            doc.pos(path),
            "placeholder-text",
            f"这里还是示例的占位文字“{text}”，请换成真实内容",
            f"this is still the example's placeholder text '{text}'; replace it with the real content",
            severity="warning",
            hint_zh="写上你们自己的内容（生成的文档会原样印出这段文字）",
            hint_en="write your own content here (documents would print this text as it is)",
        )


@policy_check
def placeholder_text(ctx: Context) -> Iterator[Problem]:
    for doc in (*ctx.rules.values(), *ctx.clients.values(), *ctx.deals.values()):
        yield from placeholder_problems(doc)

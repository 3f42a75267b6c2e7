"""Text left from an example: ``请填写``, ``请修改`` … that ``salesdocs init`` writes for you to replace.

``placeholder-text`` is a warning (an error under ``check --strict``) at the value: documents
would print the example's words as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from salesdocs.errors import Problem
from salesdocs.policy.checks.base import Context, policy_check
from salesdocs.policy.reader import Document, PathKey

#: the words the packaged example uses to ask for real content
MARKERS = re.compile(r"请填写|请修改|请替换")


def _texts(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))


def placeholder_problems(doc: Document) -> Iterator[Problem]:
    if not MARKERS.search("\n".join(doc.lines)):
        return  # the common case: one scan of the file's text instead of a walk over its values
    for path, text in _texts(doc.data, ()):
        if not MARKERS.search(text):
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

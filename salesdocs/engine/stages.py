"""Refund stages as people write them, on the command line.

The ids are ``first-draft`` and ``revision-N``; a salesperson types 初稿, 第二次修改, 第2次修改后,
二改, ``revision2`` or ``second revision``.  :func:`read_stage` understands those (Chinese
numerals through cn2an); a bare number such as ``2`` is not guessed — :func:`stage_suggestion`
names the id it most likely means, for the message that asks.
"""

from __future__ import annotations

import re

from salesdocs.engine.money import cn_number
from salesdocs.model.refunds import FIRST_DRAFT, parse_stage

__all__ = ["read_stage", "stage_suggestion"]

_SPACES = re.compile(r"[\s_·]+")
_FILLER = re.compile(r"^after(?:the)?|不满意$|时$")
_DRAFT = frozenset({"初稿", "首稿", "第一稿", "初稿后", "firstdraft", "draft", "thefirstdraft"})
_ZH = re.compile(r"第?([0-9〇零一二两三四五六七八九十百]+)(?:次|轮)?(?:修改|改稿|改|修)(?:后|之后|完|完后)?")
_EN = re.compile(r"(?:revision|rev)-?([0-9]+)")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_EN_ORD = re.compile(r"(" + "|".join(_ORDINALS) + r"|[0-9]+(?:st|nd|rd|th))-?(?:revision|rev)")


def _plain(text: str) -> str:
    return _FILLER.sub("", _SPACES.sub("", text.strip().lower()))


def read_stage(text: str) -> int | None:
    """``first-draft``/初稿 → 0, ``revision-N``/第N次修改(后)/N改/revisionN/Nth revision → N; None otherwise."""
    exact = parse_stage(text)
    if exact is not None:
        return exact
    plain = _plain(text)
    if plain in _DRAFT:
        return FIRST_DRAFT
    if m := _ZH.fullmatch(plain):
        number = cn_number(m.group(1))
        return number if number else None
    if m := _EN.fullmatch(plain):
        return int(m.group(1)) or None
    if m := _EN_ORD.fullmatch(plain):
        word = m.group(1)
        return _ORDINALS.index(word) + 1 if word in _ORDINALS else int(word[:-2]) or None
    return None


def stage_suggestion(text: str) -> int | None:
    """The stage a bare number most likely means (``2`` → revision-2), for a question back."""
    plain = _plain(text)
    number = cn_number(plain) if plain.isdigit() or (plain and not plain.isascii()) else None
    return number if number is not None and number >= 1 else None

"""A parsed YAML file: its values, and the line:column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from salesdocs.errors import Problem

PathKey = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass
class Document:
    """One parsed YAML file: its data and where every value came from."""

    rel: str
    data: Any
    lines: list[str]
    positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    plain_text: dict[PathKey, str] = field(default_factory=dict)

    def pos(self, path: PathKey) -> Position:
        """Position of the value at ``path`` or of its nearest located ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def key_pos(self, path: PathKey) -> Position:
        """Position of the key that holds ``path`` (falls back to the value)."""
        path = tuple(path)
        return self.key_positions.get(path) or self.pos(path)

    def source(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def problem(
        self,
        pos: Position,
        code: str,
        zh: str,
        en: str,
        *,
        hint_zh: str = "",
        hint_en: str = "",
        severity: str = "error",
    ) -> Problem:
        line, col = pos
        return Problem(
            file=self.rel,
            line=line,
            column=col,
            code=code,
            zh=zh,
            en=en,
            severity=severity,  # type: ignore[arg-type]
            hint_zh=hint_zh,
            hint_en=hint_en,
            source_line=self.source(line),
        )

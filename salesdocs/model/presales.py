"""The pre-sales method: stages, client classification, need levels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PresalesStage:
    number: int
    name: str
    goal: str
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class PreSales:
    stages: tuple[PresalesStage, ...]
    visit_materials: tuple[str, ...]
    classification: tuple[Dimension, ...]
    need_levels: tuple[tuple[str, str], ...]  # (id, name)

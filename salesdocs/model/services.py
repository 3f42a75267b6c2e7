"""The service catalogue: services and their tiers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesdocs.model.refunds import RefundLadder, Revisions, WriterChange


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    price: Decimal
    unit: str
    delivery_min: int
    delivery_max: int
    scope: tuple[str, ...]
    deliverables: tuple[str, ...]
    revisions: Revisions
    ladder: RefundLadder
    writer_change: WriterChange
    next_piece: int = 0  # working days added for each further piece of the same line
    source_formats: tuple[str, ...] = ()
    # English beside Chinese (documents in en or zh-en; "" / () when the policy gives none)
    name_en: str = ""
    unit_en: str = ""  # singular: "article"; plural_en adds the s
    scope_en: tuple[str, ...] = ()
    deliverables_en: tuple[str, ...] = ()
    source_formats_en: tuple[str, ...] = ()  # only where the formats need words (AI（含出血）)


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    name_en: str
    kind: str
    description: str
    tiers: tuple[Tier, ...]

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    @property
    def worker_zh(self) -> str:
        """Who a writer/designer change replaces: 文案师 for copywriting, 设计师 otherwise."""
        return "文案师" if self.kind == "copywriting" else "设计师"

    @property
    def worker_en(self) -> str:
        return "copywriter" if self.kind == "copywriting" else "designer"

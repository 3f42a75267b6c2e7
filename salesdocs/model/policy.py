"""The whole checked policy, and each rules file as read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from salesdocs.model.aftersales import AfterSales
from salesdocs.model.company import Company, Terms
from salesdocs.model.contract import Contract
from salesdocs.model.presales import PreSales
from salesdocs.model.refunds import RefundLadder, RefundTerms
from salesdocs.model.services import Service, Tier


@dataclass(frozen=True)
class PolicyFile:
    """One rules file as read: what documents cite and hash."""

    name: str  # e.g. "services"
    rel: str  # e.g. "rules/services.yaml"
    version: str
    effective: date
    sha256: str


@dataclass(frozen=True)
class PolicyRelease:
    """One released policy snapshot, ``policies/<version>/``, as its manifest describes it."""

    version: str
    effective: date
    folder: str  # "policies/2026.1"
    files: tuple[tuple[str, str], ...]  # (file name, sha256), e.g. ("services.yaml", "ab12…")

    @property
    def manifest_sha(self) -> str:
        """One hash over the release's file hashes: what ``policy list`` shows."""
        import hashlib

        return hashlib.sha256("".join(f"{name}\0{sha}\n" for name, sha in self.files).encode()).hexdigest()


@dataclass(frozen=True)
class Policy:
    company: Company
    services: tuple[Service, ...]
    ladders: tuple[RefundLadder, ...]
    terms: Terms
    aftersales: AfterSales
    presales: PreSales
    calendar_holidays: frozenset[date]
    calendar_workdays: frozenset[date]
    calendar_years: frozenset[int]
    files: tuple[PolicyFile, ...]
    contract: Contract
    #: every rules file's values by file name ("terms" → its mapping): what clause placeholders cite
    data: Mapping[str, Any]
    refund_terms: RefundTerms = RefundTerms()  # noqa: RUF009  (frozen, so one shared default is safe)
    #: the released version this policy is (``policies/<release>/``); None: the working copy ``rules/``
    release: str | None = None
    #: the working copy chosen on purpose (``--policy rules``): every page is marked 草稿 (draft)
    draft: bool = False

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def ladder(self, ladder_id: str) -> RefundLadder | None:
        return next((ld for ld in self.ladders if ld.id == ladder_id), None)

    def tier_of(self, service_id: str, tier_id: str) -> Tier:
        """The tier of a checked deal line (a missing one is a bug: ``check`` rejects unknown ids)."""
        service = self.service(service_id)
        tier = service.tier(tier_id) if service is not None else None
        if tier is None:
            raise LookupError(f"{service_id}/{tier_id} is not in the checked policy")
        return tier

    def service_names(self, service_ids: tuple[str, ...] | list[str]) -> list[str]:
        """The names of the services listed, skipping ids the catalogue does not have."""
        return [s.name for sid in service_ids if (s := self.service(sid)) is not None]

    @property
    def version(self) -> str:
        """The policy version documents cite: one label when all files agree."""
        versions = sorted({f.version for f in self.files})
        if len(versions) == 1:
            return versions[0]
        return " · ".join(f"{f.name} {f.version}" for f in self.files)

    @property
    def effective(self) -> date:
        return max(f.effective for f in self.files)

"""The validated policy as frozen dataclasses (Decimal money, real dates).

Built only from data that passed the schema and the meaning checks, so the
builders here may index freely.  Nothing in this package reads files.  One module
per concern; this package re-exports every name, so ``from salesdocs.model import Deal`` works.
"""

from salesdocs.model.aftersales import (
    SERVICE_DAYS_ZH,
    AfterSales,
    Category,
    Channel,
    ResponseZh,
    ServiceDays,
    ServiceHours,
    clock_zh,
    correction_zh,
    onsite_zh,
    response_zh,
)
from salesdocs.model.company import (
    Advantage,
    Case,
    Company,
    Contact,
    Department,
    Instalment,
    Terms,
)
from salesdocs.model.contract import (
    Article,
    Clause,
    Condition,
    Contract,
    text,
    texts,
)
from salesdocs.model.deals import (
    ClauseOverride,
    Client,
    Deal,
    DealContact,
    DealLine,
    KeyPerson,
    MainContract,
    Workspace,
)
from salesdocs.model.policy import (
    Policy,
    PolicyFile,
)
from salesdocs.model.presales import (
    Dimension,
    PreSales,
    PresalesStage,
)
from salesdocs.model.refunds import (
    FIRST_DRAFT,
    AtMostProcedure,
    LadderStep,
    RefundBase,
    RefundLadder,
    RefundTerms,
    Revisions,
    WriterChange,
    parse_stage,
    stage_en,
    stage_id,
    stage_zh,
    stages_zh,
)
from salesdocs.model.services import (
    Service,
    Tier,
)

__all__ = [
    "FIRST_DRAFT",
    "SERVICE_DAYS_ZH",
    "Advantage",
    "AfterSales",
    "Article",
    "AtMostProcedure",
    "Case",
    "Category",
    "Channel",
    "Clause",
    "ClauseOverride",
    "Client",
    "Company",
    "Condition",
    "Contact",
    "Contract",
    "Deal",
    "DealContact",
    "DealLine",
    "Department",
    "Dimension",
    "Instalment",
    "KeyPerson",
    "LadderStep",
    "MainContract",
    "Policy",
    "PolicyFile",
    "PreSales",
    "PresalesStage",
    "RefundBase",
    "RefundLadder",
    "RefundTerms",
    "ResponseZh",
    "Revisions",
    "Service",
    "ServiceDays",
    "ServiceHours",
    "Terms",
    "Tier",
    "Workspace",
    "WriterChange",
    "clock_zh",
    "correction_zh",
    "onsite_zh",
    "parse_stage",
    "response_zh",
    "stage_en",
    "stage_id",
    "stage_zh",
    "stages_zh",
    "text",
    "texts",
]

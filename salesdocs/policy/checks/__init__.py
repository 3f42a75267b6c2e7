"""Meaning checks beyond the schema: one small registered function per rule.

Each check has a stable code (used in messages, JSON output and docs) and
yields :class:`~salesdocs.errors.Problem` records located in the YAML.  Policy
checks run on the rules files that passed the schema; workspace checks run
once the policy model is built and look at clients and deals.

Registered in the order they run: :mod:`.rules` (policy checks, with the refund ladder
rules of :mod:`.ladders`), then :mod:`.deals` and :mod:`.english` (workspace checks); :mod:`.base` holds the
context, the two registries and the helpers they share.
"""

from salesdocs.policy.checks import contract, deals, english, figures, leftovers, newcomer, rules
from salesdocs.policy.checks.base import POLICY_CHECKS, WORKSPACE_CHECKS, Context, PolicyCheck, policy_check, run, workspace_check

__all__ = [
    "POLICY_CHECKS",
    "WORKSPACE_CHECKS",
    "Context",
    "PolicyCheck",
    "contract",
    "deals",
    "english",
    "figures",
    "leftovers",
    "newcomer",
    "policy_check",
    "rules",
    "run",
    "workspace_check",
]

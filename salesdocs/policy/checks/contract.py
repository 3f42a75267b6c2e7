"""Checks of ``rules/contract.yaml``: placeholders, conditions, references, typed figures.

* ``unknown-placeholder`` — a ``{name}`` no policy value, deal value or clause answers to
  (error, at the placeholder, with did-you-mean);
* ``unknown-ref`` — a ``when:`` naming a service or tier the catalogue does not have;
* ``ref-conditional`` — a clause citing a clause that may be left out of the same appendix;
* ``literal-figure`` — a figure typed in clause text that equals a policy value the clause could
  cite (warning; an error under ``--strict``): when the policy changes, typed figures do not
  (the scan is :func:`.figures.literal_figures`, shared with texts that restate their own item's figure);
* ``limits-not-bold`` — a clause limiting the client's rights not printed in bold (warning:
  民法典 第四百九十六条 asks the drafter to draw attention to it);
* ``duplicate-id`` — article and item ids are one namespace (references use them);
* ``missing-contacts`` — a deal whose appendix would cite contacts it does not name;
* ``clause-deviation`` — a deal's own wording of a clause (``clauses:``), listed with its approver
  (warning); its placeholders are checked like the contract's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from salesdocs.errors import Problem
from salesdocs.model import Clause, Contract, Policy
from salesdocs.policy.checks.base import Context, text_position, unknown_ref, workspace_check
from salesdocs.policy.checks.figures import literal_figures
from salesdocs.policy.contract import PLACEHOLDER, policy_figures, policy_values, vocabulary
from salesdocs.policy.reader import Document


def _items(doc: Document) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for a, article in enumerate(doc.data.get("articles") or []):
        for i, item in enumerate(article.get("items") or []):
            yield ("articles", a, "items", i), item


def _clauses(contract: Contract) -> dict[str, Clause]:
    return {c.id: c for article in contract.articles for c in article.clauses}


@workspace_check
def contract_clauses(ctx: Context) -> Iterator[Problem]:
    doc, policy = ctx.rules.get("contract"), ctx.policy
    if doc is None or policy is None:
        return
    values = policy_values(policy.data)
    known = vocabulary(policy.data, policy.contract, [p.id for p in policy.terms.payment], values)
    figures = policy_figures(values)
    clauses = _clauses(policy.contract)
    yield from _duplicate_ids(doc)
    for path, item in _items(doc):
        text = item.get("text") or ""
        clause = clauses.get(item.get("id", ""))
        yield from _placeholders(doc, path, text, known, clause, clauses)
        yield from _figures(doc, path, text, figures)
        yield from _condition(doc, path, item.get("when"), policy)
        if item.get("limits_client_rights") and not item.get("bold"):
            yield doc.problem(
                doc.key_pos((*path, "limits_client_rights")),
                "limits-not-bold",
                f"条款 {item.get('id')} 限制甲方权利，但没有加粗提示",
                f"clause {item.get('id')} limits the client's rights but is not in bold",
                hint_zh="加上 bold: true：限制对方权利的格式条款须以显著方式提示（民法典第四百九十六条）",
                hint_en="add bold: true: standard terms limiting the other party's rights must be drawn to its attention",
                severity="warning",
            )


def _duplicate_ids(doc: Document) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    entries: list[tuple[tuple[Any, ...], str]] = []
    for a, article in enumerate(doc.data.get("articles") or []):
        entries.append((("articles", a, "id"), str(article.get("id", ""))))
        entries.extend((("articles", a, "items", i, "id"), str(item.get("id", ""))) for i, item in enumerate(article.get("items") or []))
    for path, value in entries:
        if value in seen:
            yield doc.problem(
                doc.pos(path),
                "duplicate-id",
                f"条款编号 {value} 重复：第 {seen[value]} 行已经用过",
                f"duplicate clause id {value}: already used on line {seen[value]}",
                hint_zh="条与款的编号共用一个命名空间（{ref.编号} 靠它引用），请改成不同的编号",
                hint_en="article and item ids share one namespace ({ref.id} cites them); rename one",
            )
        else:
            seen[value] = doc.pos(path)[0]


def _placeholders(
    doc: Document, path: tuple[Any, ...], text: str, known: list[str], clause: Clause | None, clauses: dict[str, Clause]
) -> Iterator[Problem]:
    yield from _stray_braces(doc, path, text)
    counts: dict[str, int] = {}
    for m in PLACEHOLDER.finditer(text):
        name = m.group(1).strip()
        nth = counts.get(m.group(0), 0)
        counts[m.group(0)] = nth + 1
        where = text_position(doc, (*path, "text"), m.group(0), nth)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            yield doc.problem(
                where,
                "unknown-placeholder",
                f"未知的占位符 {{{name}}}",
                f"unknown placeholder {{{name}}}",
                hint_zh=f"是不是想写 {{{close[0]}}}？" if close else "占位符写政策文件中的路径，如 {terms.review_days}，或 {ref.条款编号}",
                hint_en=f"did you mean {{{close[0]}}}?"
                if close
                else "write a path into a rules file, e.g. {terms.review_days}, or {ref.clause-id}",
            )
        elif name.startswith("ref.") and clause is not None:
            target = clauses.get(name[4:])
            if target is not None and target.when is not None and target.when != clause.when:
                yield doc.problem(
                    where,
                    "ref-conditional",
                    f"引用的条款 {target.id} 只在部分交易中出现，而本条款不受同样的条件限制",
                    f"clause {target.id} appears only in some deals, but this clause does not have the same condition",
                    hint_zh=f"给本条款写上与 {target.id} 相同的 when，或改为引用总是出现的条款",
                    hint_en=f"give this clause the same when: as {target.id}, or cite a clause that always appears",
                )


STRAY = re.compile(r"[{}｛｝]")


def _stray_braces(doc: Document, path: tuple[Any, ...], text: str) -> Iterator[Problem]:
    """A brace that opens or closes no placeholder (``{terms.x`` without ``}``, full-width ｛｝,
    ``{{x}}``) would be printed as it is: an error at the brace."""
    plain = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
    counts: dict[str, int] = {}
    for m in STRAY.finditer(plain):
        brace = m.group(0)
        nth = counts.get(brace, 0)
        counts[brace] = nth + 1
        fullwidth = brace in "｛｝"
        yield doc.problem(
            _position_outside_placeholders(doc, path, text, m.start()),
            "placeholder-syntax",
            f"多余的{'全角' if fullwidth else ''}括号 {brace}：占位符要用一对半角花括号，如 {{terms.review_days}}",
            f"a stray {'full-width ' if fullwidth else ''}brace {brace}: "
            "a placeholder is one pair of ASCII braces, e.g. {terms.review_days}",
            hint_zh="把 ｛｝ 换成 {}，补上缺少的 { 或 }，{{名称}} 写成 {名称}",
            hint_en="replace ｛｝ by {}, add the missing { or }, write {{name}} as {name}",
        )


def _position_outside_placeholders(doc: Document, path: tuple[Any, ...], text: str, offset: int) -> tuple[int, int]:
    """The source position of ``text[offset]`` (the text's first line holds it in the sample's one-line clauses)."""
    before = text[:offset]
    nth = before.count(text[offset])
    return text_position(doc, (*path, "text"), text[offset], nth)


def _figures(doc: Document, path: tuple[Any, ...], text: str, figures: dict[tuple[Decimal, bool], list[str]]) -> Iterator[Problem]:
    """A figure typed in a clause that equals a policy value: it will not follow a policy change."""

    def judge(value: Decimal, percent: bool, written: str) -> tuple[str, str, str, str] | None:
        names = figures.get((value, percent))
        if not names:
            return None
        shown = "、".join(f"{{{n}}}" for n in names[:5]) + ("……" if len(names) > 5 else "")
        return (
            f"条款中直接写了数字 {written}，它等于政策中的数值：政策修改后这里不会跟着变",
            f"the clause types the figure {written}, which equals a policy value: it will not follow a policy change",
            f"改用占位符：{shown}",
            f"cite it by placeholder: {shown.replace('、', ', ')}",
        )

    plain = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
    yield from literal_figures(doc, (*path, "text"), plain, judge)


def _condition(doc: Document, path: tuple[Any, ...], when: Any, policy: Policy) -> Iterator[Problem]:
    if not isinstance(when, dict):
        return
    service_id = when.get("service")
    if service_id is None:
        return
    service = policy.service(service_id)
    if service is None:
        yield unknown_ref(doc, (*path, "when", "service"), "服务", "service", service_id, [s.id for s in policy.services])
        return
    tier = when.get("tier")
    if tier is not None and service.tier(tier) is None:
        yield unknown_ref(
            doc, (*path, "when", "tier"), f"{service.id} 的档位", f"tier of {service.id}", tier, [t.id for t in service.tiers]
        )


@workspace_check
def deal_clauses(ctx: Context) -> Iterator[Problem]:
    """A deal's ``clauses:`` (wording negotiated for that deal): each names a text clause of the
    contract once, its placeholders are known, and each is listed as a deviation (warning)."""
    policy = ctx.policy
    if policy is None:
        return
    clauses = _clauses(policy.contract)
    values = policy_values(policy.data)
    known = vocabulary(policy.data, policy.contract, [p.id for p in policy.terms.payment], values)
    figures = policy_figures(values)
    for stem, doc in ctx.deals.items():
        seen: set[str] = set()
        for i, entry in enumerate(doc.data.get("clauses") or []):
            path = ("clauses", i)
            clause_id, text = str(entry.get("id", "")), str(entry.get("text", ""))
            clause = clauses.get(clause_id)
            if clause is None or clause.table:
                names = [c.id for c in clauses.values() if not c.table]
                yield unknown_ref(doc, (*path, "id"), "合同条款", "contract clause", clause_id, names)
                continue
            if clause_id in seen:
                yield doc.problem(
                    doc.pos((*path, "id")), "duplicate-id", f"条款 {clause_id} 写了两次", f"clause {clause_id} is given twice"
                )
                continue
            seen.add(clause_id)
            yield from _placeholders(doc, path, text, known, clause, clauses)
            yield from _figures(doc, path, text, figures)
            yield doc.problem(
                doc.pos((*path, "text")),
                "clause-deviation",
                f"交易 {stem} 的条款 {clause_id} 偏离标准文字（审批人：{entry.get('approver', '')}）",
                f"deal {stem}: clause {clause_id} deviates from the standard wording (approved by {entry.get('approver', '')})",
                hint_zh=f"标准文字见 rules/contract.yaml 的 {clause_id}；只有本交易的合同附件使用这里的文字",
                hint_en=f"the standard wording is {clause_id} in rules/contract.yaml; only this deal's appendix uses this text",
                severity="warning",
            )


@workspace_check
def deal_contacts(ctx: Context) -> Iterator[Problem]:
    """Deals whose appendix cites their contacts must name them."""
    policy = ctx.policy
    if policy is None:
        return
    texts = " ".join(c.text for a in policy.contract.articles for c in a.clauses)
    company = ctx.rules.get("company")
    if "{deal.contacts.agency}" in texts and company is not None and not any(c.email or c.wechat for c in policy.company.contacts):
        yield company.problem(
            company.key_pos(("contacts",)),
            "missing-contacts",
            "公司联系人都没有电子邮箱或微信：合同附件需要乙方联系人来界定“书面”",
            "no company contact has an e-mail or WeChat: the appendix needs an agency contact to define 'written'",
            hint_zh="给销售联系人写上 email 或 wechat（交易的 sales 写其姓名），或在交易中写 contacts.agency",
            hint_en="give the sales contact an email or wechat (name them in the deal's sales), or write contacts.agency in the deal",
        )
    if "{deal.contacts.client}" not in texts:
        return
    for stem, doc in ctx.deals.items():
        contacts = (doc.data.get("contacts") or {}).get("client")
        if not contacts:
            yield doc.problem(
                doc.key_pos(("id",)),
                "missing-contacts",
                f"交易 {stem} 没有写甲方联系人（contacts.client），合同附件需要他们的电子邮箱或微信来界定“书面”",
                f"deal {stem} names no client contacts (contacts.client); the appendix needs their e-mail or WeChat to define 'written'",
                hint_zh="加上 contacts: {client: [{name: 联系人姓名, email: 联系人邮箱}]}（可再加 wechat: 微信号）",
                hint_en="add contacts: {client: [{name: NAME, email: EMAIL}]} (and wechat: ID if they use it)",
            )
        for i, contact in enumerate(contacts or []):
            if isinstance(contact, dict) and not (contact.get("email") or contact.get("wechat")):
                yield doc.problem(
                    doc.pos(("contacts", "client", i, "name")),
                    "missing-contacts",
                    f"联系人 {contact.get('name')} 没有电子邮箱或微信：发给他/她的消息无法算作“书面”",
                    f"contact {contact.get('name')} has no e-mail or WeChat: messages to them cannot count as written",
                    hint_zh="至少写 email 或 wechat 之一",
                    hint_en="give an email or a wechat",
                )

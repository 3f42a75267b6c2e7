"""Synthetic workspace generator: a policy (by default the sample's) plus N clients and N deals.

    python benchmarks/synth.py DIR --clients 50 --deals 50 [--seed 1] [--rules RULES_DIR]

Deterministic for a given seed.  Used by benchmarks/run.py and by the tests
(small N, with the rules of a test fixture workspace).  Deal dates stay inside
2026 so no due date is an estimate.  The rules must offer the services and tiers
in ``LINES``.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INDUSTRIES = ["制造业", "餐饮", "教育", "智能硬件", "零售", "医疗健康", "物流", "文旅"]
CITIES = ["杭州", "上海", "深圳", "苏州", "成都", "武汉", "南京", "广州"]
KINDS = ["科技", "文化", "贸易", "实业", "餐饮管理", "教育咨询"]
LINES = [
    ("logo-design", ["standard", "premium"]),
    ("flyer-design", ["single", "double"]),
    ("poster-design", ["standard"]),
    ("copywriting", ["standard"]),
    ("wechat-article", ["reprint", "original"]),
]
LEVELS = {
    "scale": ["小型", "中型", "大型"],
    "technical_level": ["低", "中", "高"],
    "credit": ["一般", "良好", "优秀"],
    "demand": ["低", "中", "高"],
    "ease": ["难", "中", "易"],
}


def generate(target: Path, clients: int, deals: int, seed: int = 1, rules: Path = REPO / "rules") -> Path:
    """Write ``rules`` (a copy of that folder) and the synthetic clients and deals into ``target``."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(rules, target / "rules", dirs_exist_ok=True)
    (target / "clients").mkdir(exist_ok=True)
    (target / "deals").mkdir(exist_ok=True)
    ids = []
    for i in range(1, clients + 1):
        cid = f"client-{i:04d}"
        ids.append(cid)
        city = rng.choice(CITIES)
        industry = rng.choice(INDUSTRIES)
        classification = "\n".join(f"  {k}: {rng.choice(v)}" for k, v in LEVELS.items())
        interests = ", ".join(sorted({rng.choice(LINES)[0] for _ in range(3)}))
        (target / "clients" / f"{cid}.yaml").write_text(
            f"""id: {cid}
name: {city}{rng.choice(KINDS)}示例公司{i:04d}
sample: true
industry: {industry}
region: {city}
profile: 一家{industry}企业，需要品牌视觉与内容服务（合成数据）。
classification:
{classification}
needs:
  image: 统一品牌形象
  product: 新品宣传资料
key_people:
  - {{name: 联系人{i}, title: 市场经理, role: 经办人}}
entry_point: 从新品宣传切入
talking_points: [品牌视觉案例, 交付与退款规则清楚]
interests: [{interests}]
presales_stage: {rng.randint(1, 5)}
""",
            encoding="utf-8",
        )
    start = date(2026, 3, 2)
    for i in range(1, deals + 1):
        did = f"deal-{i:04d}"
        day = start + timedelta(days=rng.randint(0, 240))
        lines = []
        for _ in range(rng.randint(1, 4)):
            service, tiers = rng.choice(LINES)
            lines.append(f"  - {{service: {service}, tier: {rng.choice(tiers)}, quantity: {rng.randint(1, 6)}}}")
        discount = f"discount: {{percent: {rng.choice([0, 3, 5, 8, 10])}%}}\n"
        (target / "deals" / f"{did}.yaml").write_text(
            f"id: {did}\nclient: {ids[(i - 1) % len(ids)]}\ntitle: 合成交易 {i}\ndate: {day.isoformat()}\n"
            f"start: {(day + timedelta(days=3)).isoformat()}\nlines:\n"
            + "\n".join(lines)
            + "\n"
            + discount
            + f"contacts:\n  client:\n    - {{name: 联系人{i}, email: contact-{i:04d}@example.com}}\n",
            encoding="utf-8",
        )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--deals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rules", type=Path, default=REPO / "rules", help="the rules/ folder to copy (default: the sample's)")
    args = parser.parse_args()
    generate(args.target, args.clients, args.deals, args.seed, rules=args.rules)
    print(f"wrote {args.clients} clients and {args.deals} deals into {args.target}")


if __name__ == "__main__":
    main()

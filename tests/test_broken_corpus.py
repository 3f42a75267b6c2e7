"""The mistakes a non-programmer makes, one per broken copy of the sample workspace.

Every case copies the sample workspace, applies ONE mutation (a text replacement in one
file, raw bytes, a deleted or an extra file) and runs ``salesdocs check --format json``
in-process.  It asserts the exit code and every problem reported: file, the exact
line:column a person would look at, the code, and key words of the message and hint.
Nothing may ever print a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

Where = tuple[str, int, int, str]  # file, line, column, code

SERVICES = "rules/services.yaml"
REFUNDS = "rules/refunds.yaml"
TERMS = "rules/terms.yaml"
COMPANY = "rules/company.yaml"
CALENDAR = "rules/calendar.yaml"
CLIENT = "clients/mingcha-tea.yaml"
DEAL1 = "deals/2026-001-yunfan-launch.yaml"
DEAL3 = "deals/2026-003-jingyi-expo.yaml"
CONTRACT = "rules/contract.yaml"


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    expect: list[Where]
    old: str | None = None  # replace the first `old` by `new` …
    new: str = ""
    to_bytes: Callable[[str], bytes] | None = None  # … or write these bytes (from the file's text) …
    delete: bool = False  # … or delete the file …
    create: bytes | None = None  # … or create it
    copy_of: str | None = None  # … or create it as a copy of this file
    append: str = ""  # … or add text at the end
    severity: str = "error"
    message: tuple[str, ...] = ()  # words in the message (zh / en)
    hint: tuple[str, ...] = ()  # words in the hint (zh / en)
    fix: tuple[str, str] | None = None  # the hint's fix, applied to the broken file: check then passes

    def apply_fix(self, root: Path) -> None:
        assert self.fix is not None
        path = root / self.file
        text = path.read_text(encoding="utf-8")
        assert self.fix[0] in text, f"{self.fix[0]!r} not in the broken {self.file}"
        path.write_text(text.replace(self.fix[0], self.fix[1], 1), encoding="utf-8")

    def apply(self, root: Path) -> None:
        path = root / self.file
        if self.delete:
            path.unlink()
        elif self.create is not None:
            path.write_bytes(self.create)
        elif self.copy_of is not None:
            path.write_bytes((root / self.copy_of).read_bytes())
        elif self.to_bytes is not None:
            path.write_bytes(self.to_bytes(path.read_text(encoding="utf-8")))
        else:
            text = path.read_text(encoding="utf-8")
            if self.old is not None:
                assert self.old in text, f"the sample {self.file} changed: {self.old!r} not found"
                text = text.replace(self.old, self.new, 1)
            path.write_text(text + self.append, encoding="utf-8")


def _sub(case_id: str, file: str, old: str, new: str, expect: list[Where], **kw: object) -> Case:
    return Case(case_id, file, expect, old=old, new=new, **kw)  # type: ignore[arg-type]


def _raw(case_id: str, file: str, to_bytes: Callable[[str], bytes], expect: list[Where], **kw: object) -> Case:
    return Case(case_id, file, expect, to_bytes=to_bytes, **kw)  # type: ignore[arg-type]


_POSTER_BLOCK = """
  - id: poster-design
    name: 海报设计
    kind: design
    tiers:
      - id: standard
        name: 标准海报
        price: 1000
        unit: 款
        delivery: {min: 3, max: 5}
        deliverables: [效果图, 源文件（PSD/AI）]
        revisions:
          included: 3
        refund_ladder: design
        writer_change:
          times: 0
"""

_COPY_LAST_STEP = """      - id: rev-3-and-later
        from: revision-3
        percent: 20%
        kind: at_most
        text: 第三次修改后不满意，最多退还该件退款基数的 20%
"""

# fmt: off
READER_CASES = [
    _sub("duplicate-key", SERVICES, "        price: 300\n", "        price: 300\n        price: 350\n",
         [(SERVICES, 18, 9, "duplicate-key")], message=("第 17 行", "line 17"), hint=("17", "18")),
    _sub("anchor", SERVICES, "        refund_ladder: copywriting\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n      - id: original",
         "        refund_ladder: &ladder copywriting\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n      - id: original",
         [(SERVICES, 29, 24, "yaml-anchor")], message=("&ladder",)),
    _sub("alias", SERVICES, "        refund_ladder: copywriting\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n\n",
         "        refund_ladder: *ladder\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n\n",
         [(SERVICES, 48, 24, "yaml-alias")], message=("*ladder",)),
    _sub("tag-str", SERVICES, "        unit: 篇\n        delivery: {min: 1", "        unit: !!str 篇\n        delivery: {min: 1",
         [(SERVICES, 18, 15, "yaml-tag")], message=("!!str",)),
    _sub("merge-key", SERVICES, "        delivery: {min: 1, max: 2, next_piece: 1}", "        <<: {min: 1}\n        delivery: {min: 1, max: 2, next_piece: 1}",
         [(SERVICES, 19, 9, "yaml-merge-key")], message=("<<",)),
    _sub("two-documents", TERMS, "  valid_days: 15", "  valid_days: 15\n---\nvalid_days: 30",
         [(TERMS, 30, 1, "multiple-documents")], message=("---",)),
    *[
        _sub(f"bool-word-{word}", TERMS, "prices_include_tax: false", f"prices_include_tax: {word}",
             [(TERMS, 11, 23, "yaml-bool-word")], hint=("true/false",))
        for word in ("yes", "no", "on", "off", "y", "n", "Yes", "OFF")
    ],
    _sub("tab-indent", SERVICES, "        unit: 篇\n        delivery: {min: 1", "        unit: 篇\n\tdelivery: {min: 1",
         [(SERVICES, 19, 1, "tab-indent")], message=("Tab",)),
    _sub("tab-after-spaces", SERVICES, "        unit: 篇\n        delivery: {min: 1", "        unit: 篇\n  \tdelivery: {min: 1",
         [(SERVICES, 19, 3, "tab-indent")]),
    _sub("fullwidth-colon", SERVICES, "  - id: logo-design\n    name: LOGO 设计", "  - id: logo-design\n    name：LOGO 设计",
         [(SERVICES, 54, 9, "fullwidth-colon")], hint=("name: ",)),
    _sub("fullwidth-colon-space", SERVICES, "  - id: logo-design\n    name: LOGO 设计", "  - id: logo-design\n    name： LOGO 设计",
         [(SERVICES, 54, 9, "fullwidth-colon")]),
    _sub("fullwidth-comma-in-list", SERVICES, "deliverables: [排版完成的公众号图文, 配图", "deliverables: [排版完成的公众号图文，配图",
         [(SERVICES, 23, 34, "fullwidth-comma")]),
    _sub("fullwidth-space-indent", SERVICES, "  - id: logo-design\n    name: LOGO 设计", "  - id: logo-design\n\u3000\u3000name: LOGO 设计",
         [(SERVICES, 54, 1, "fullwidth-space")], message=("U+3000",)),
    _raw("gbk-file", TERMS, lambda t: t.encode("gbk"),
         [(TERMS, 2, 3, "encoding-gbk")], message=("GBK",), hint=("UTF-8",)),
    _raw("gb18030-file", SERVICES, lambda t: t.encode("gb18030"),
         [(SERVICES, 2, 3, "encoding-gbk")], message=("GB18030",)),
    _raw("utf16-file", TERMS, lambda t: t.encode("utf-16"),
         [(TERMS, 1, 1, "encoding-utf16")], message=("UTF-16",)),
    _raw("utf16-no-bom", TERMS, lambda t: t.encode("utf-16-le"),
         [(TERMS, 1, 1, "encoding-utf16")], message=("UTF-16",)),
    _raw("utf8-bom-is-fine", TERMS, lambda t: t.encode("utf-8-sig"), []),
    _raw("empty-file", TERMS, lambda t: b"", [(TERMS, 1, 1, "empty-file")], hint=("不能删除", "cannot be deleted")),
    _raw("empty-client-file", CLIENT, lambda t: b"", [(CLIENT, 1, 1, "empty-file")], hint=("删除这个文件", "delete the file")),
    _raw("only-comments", TERMS, lambda t: "# 商务条款\n# 以后再填\n".encode(), [(TERMS, 1, 1, "empty-file")]),
    _raw("png-file", SERVICES, lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00",
         [(SERVICES, 1, 1, "binary-file")]),
    _sub("control-character", TERMS, "  name: 增值税", "  name: 增值\x07税",
         [(TERMS, 8, 11, "control-character")], message=("U+0007",)),
    _sub("pasted-line-separator", TERMS, "  name: 增值税", "  name: 增值\u2028税",
         [(TERMS, 8, 11, "control-character")], message=("U+2028",)),
    _sub("unclosed-double-quote", TERMS, "  name: 增值税", '  name: "增值税',
         [(TERMS, 8, 9, "yaml-syntax")], message=("引号没有闭合", "quote is not closed")),
    _sub("unclosed-single-quote", TERMS, "  name: 增值税", "  name: '增值税",
         [(TERMS, 8, 9, "yaml-syntax")], message=("quote is not closed",)),
    _sub("unclosed-bracket", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]", "deliverables: [排版完成的公众号图文, 配图与素材来源清单",
         [(SERVICES, 23, 23, "yaml-syntax")], message=("[",)),
    _sub("indent-one-space-more", SERVICES, "        name: 非原创图文\n        price: 300", "        name: 非原创图文\n         price: 300",
         [(SERVICES, 17, 10, "yaml-syntax")], message=("缩进", "indentation")),
    _sub("indent-one-space-less", SERVICES, "        name: 非原创图文\n        price: 300", "        name: 非原创图文\n       price: 300",
         [(SERVICES, 17, 8, "yaml-syntax")], message=("indentation",)),
    _sub("indent-nested-key-less", SERVICES, "          extra_price: 60\n          not_counted: [小细节修改（错别字、标点、个别字词、配图替换）]",
         "          extra_price: 60\n         not_counted: [小细节修改（错别字、标点、个别字词、配图替换）]",
         [(SERVICES, 27, 10, "yaml-syntax")], message=("indentation",)),
    _sub("dash-without-space", TERMS, "  - id: balance", "  -id: balance",
         [(TERMS, 22, 3, "yaml-syntax")], message=("-",), hint=("- id: balance",)),
    _sub("colon-inside-value", TERMS, "    name: 预付款", "    name: 时间: 9:00",
         [(TERMS, 18, 13, "yaml-syntax")], hint=("引号", "quote")),
    _sub("missing-colon", TERMS, "  name: 增值税", "  name 增值税",
         [(TERMS, 8, 3, "yaml-syntax")], message=("冒号", "colon")),
    _sub("missing-colon-in-list-item", TERMS, "  - id: balance", "  - id balance",
         [(TERMS, 22, 5, "yaml-syntax")], message=("colon",)),
    _sub("chinese-key-fullwidth-colon", SERVICES, "    name: 公众号文章", "    名称：公众号文章",
         [(SERVICES, 10, 5, "yaml-syntax")], message=("全角冒号", "full-width colon")),
    _sub("no-space-after-colon", TERMS, "currency: CNY", "currency:CNY",
         [(TERMS, 6, 1, "yaml-syntax")], message=("colon",)),
    _sub("backslash-in-double-quotes", COMPANY, "address: 杭州市西湖区文三路 000 号创意园 3 号楼 5 层", 'address: "D:\\资料\\地址.docx"',
         [(COMPANY, 18, 13, "yaml-syntax")], message=("双引号里的反斜杠“\\”是转义符",),
         hint=("改用单引号（单引号里反斜杠就是反斜杠）：address: 'D:\\资料\\地址.docx'",),
         fix=('"D:\\资料\\地址.docx"', "'D:\\资料\\地址.docx'")),
    # valid YAML that would print something else than what was typed
    _sub("escape-turns-into-line-break", DEAL1, "title: 新品发布品牌视觉", 'title: "D:\\new\\temp"',
         [(DEAL1, 5, 8, "escape-in-quotes")], severity="warning", message=("\\n 变成换行、\\t 变成制表符",),
         hint=("title: 'D:\\new\\temp'",), fix=('"D:\\new\\temp"', "'D:\\new\\temp'")),
    _sub("list-item-indented-too-far", SERVICES, "          - 转载他人文章", "            - 转载他人文章",
         [(SERVICES, 22, 13, "list-item-joined")], message=("两项变成了一项", "the two items become one"),
         hint=("与第 21 行的“-”对齐（第 11 列）",), fix=("            - 转载他人文章", "          - 转载他人文章")),
    _sub("comma-inside-brackets-splits-item", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables: [效果图（PNG, JPG）, 配图与素材来源清单]",
         [(SERVICES, 23, 24, "comma-splits-item")], message=("“效果图（PNG”和“JPG）”",),
         fix=("[效果图（PNG, JPG）,", '["效果图（PNG, JPG）",')),
    _sub("hash-inside-flow-list", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables: [排版完成的公众号图文 #1, 配图与素材来源清单]",
         [(SERVICES, 23, 35, "yaml-syntax")], message=("“ #”后面的内容被当作注释，连同后面的“]”",),
         hint=('deliverables: ["排版完成的公众号图文 #1", 配图与素材来源清单]',),
         fix=("[排版完成的公众号图文 #1,", '["排版完成的公众号图文 #1",')),
    _sub("quote-open-in-flow-list", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         'deliverables: ["排版完成的公众号图文, 配图与素材来源清单]',
         [(SERVICES, 23, 24, "yaml-syntax")], message=('这一项的引号 " 没有闭合',),
         hint=('deliverables: ["排版完成的公众号图文", 配图与素材来源清单]',), fix=('["排版完成的公众号图文,', '["排版完成的公众号图文",')),
    _sub("value-on-the-next-line-not-indented", DEAL1, "title: 新品发布品牌视觉", "title:\n新品发布品牌视觉",
         [(DEAL1, 6, 1, "yaml-syntax")], message=("像是上一行 title 的内容，但它没有缩进",),
         hint=("title: 新品发布品牌视觉",), fix=("title:\n新品发布品牌视觉", "title: 新品发布品牌视觉")),
    _sub("bullet-instead-of-dash", SERVICES, "          - 图文输出", "        • 图文输出",
         [(SERVICES, 21, 9, "yaml-syntax")], message=("“•”不是 YAML 的列表符号",), hint=("从第 11 列开始",),
         fix=("        • 图文输出", "          - 图文输出")),
    _sub("value-starts-with-hash", DEAL1, "title: 新品发布品牌视觉", "title: #1 新品发布品牌视觉",
         [(DEAL1, 5, 8, "empty-value")], message=("title 的内容以“#”开头", "starts with '#'"),
         hint=('title: "#1 新品发布品牌视觉"',), fix=("title: #1 新品发布品牌视觉", 'title: "#1 新品发布品牌视觉"')),
    _sub("copied-list-item-without-dash", DEAL1, "      wechat: yunfan-wang-sample\n",
         "      wechat: yunfan-wang-sample\n      name: 李助理\n      title: 市场专员\n      wechat: yunfan-li-sample\n",
         [(DEAL1, 28, 7, "duplicate-key")], message=("这像是复制的新一项，但前面少了“- ”",),
         hint=("与第 24 行的“-”对齐（第 5 列）",), fix=("      name: 李助理", "    - name: 李助理")),
    _sub("text-reads-as-a-list", DEAL1, "title: 新品发布品牌视觉", "title: [新品发布]",
         [(DEAL1, 5, 8, "wrong-type")], hint=('给整个值加引号：title: "[新品发布]"',), fix=("title: [新品发布]", 'title: "[新品发布]"')),
    _sub("text-reads-as-a-mapping", SERVICES, "          - 图文输出", "          - 上市: 图文输出",
         [(SERVICES, 21, 13, "wrong-type")], hint=('- "上市: 图文输出，内容与客户的行业、产品或品牌相关"',),
         fix=("- 上市: 图文输出，内容与客户的行业、产品或品牌相关", '- "上市: 图文输出，内容与客户的行业、产品或品牌相关"')),
    *[
        _sub(f"flow-item-{name}", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]", f"deliverables: {typed}",
             [(SERVICES, 23, column, "yaml-syntax")], message=(message,), hint=(f"deliverables: {fixed}",),
             fix=(f"deliverables: {typed}", f"deliverables: {fixed}"))
        for name, typed, fixed, column, message in [
            ("asterisk", "[*排版完成的公众号图文*, 配图与素材来源清单]", '["*排版完成的公众号图文*", 配图与素材来源清单]', 24,
             "列表里的一项不能以“*”开头"),
            ("tag", "[排版完成的公众号图文, !配图与素材来源清单]", '[排版完成的公众号图文, "!配图与素材来源清单"]', 36, "类型标签"),
            ("dash", "[- 排版完成的公众号图文, 配图与素材来源清单]", "[排版完成的公众号图文, 配图与素材来源清单]", 24,
             "方括号里的列表项不用“- ”"),
        ]
    ],
    _sub("flow-item-empty", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables: [排版完成的公众号图文, , 配图与素材来源清单]", [(SERVICES, 23, 36, "yaml-syntax")],
         message=("列表里有空的一项",), hint=("删掉多余的逗号",), fix=("图文, , 配图", "图文, 配图")),
    _sub("block-text-on-its-header-line", CONTRACT, "        text: >-\n          本协议连同各表", "        text: >- 本协议连同各表",
         [(CONTRACT, 47, 15, "yaml-syntax")], message=("“>-”表示文字从下一行开始",), hint=("“text: >-”单独一行",),
         fix=("        text: >- 本协议连同各表", "        text: >-\n          本协议连同各表")),
    _sub("block-first-line-too-deep", CONTRACT, "          本协议连同各表构成双方就本项目的完整协议；",
         "            本协议连同各表构成双方就本项目的完整协议；\n          ",
         [(CONTRACT, 49, 11, "yaml-syntax")], message=("比第一行（第 48 行，12 个空格）少",),
         hint=("把第 48 行改成 10 个空格",), fix=("            本协议连同各表", "          本协议连同各表")),
    _sub("fullwidth-closing-bracket", SERVICES, "配图与素材来源清单]", "配图与素材来源清单］",
         [(SERVICES, 23, 45, "yaml-syntax")], message=("“］”是全角括号",),
         hint=("deliverables: [排版完成的公众号图文, 配图与素材来源清单]",), fix=("清单］", "清单]")),
    _sub("unc-path-in-double-quotes", DEAL1, "title: 新品发布品牌视觉", 'title: "\\\\NAS\\Logo\\Photos"',
         [(DEAL1, 5, 8, "escape-in-quotes")], severity="warning", message=("\\L 变成看不见的行分隔符",),
         hint=("title: '\\\\NAS\\Logo\\Photos'",), fix=('"\\\\NAS\\Logo\\Photos"', "'\\\\NAS\\Logo\\Photos'")),
    _sub("same-quote-inside-quotes", DEAL1, "title: 新品发布品牌视觉", "title: 'Tom's 新品发布'",
         [(DEAL1, 5, 8, "yaml-syntax")], message=("引号 ' 里又出现了 '",), hint=("title: \"Tom's 新品发布\"",),
         fix=("title: 'Tom's 新品发布'", "title: \"Tom's 新品发布\"")),
    _sub("flow-item-quote-then-text", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         'deliverables: [排版完成的公众号图文, "配图"与素材来源清单]', [(SERVICES, 23, 36, "yaml-syntax")],
         message=("引号只能把这一项整个括起来",), hint=("deliverables: [排版完成的公众号图文, '\"配图\"与素材来源清单']",),
         fix=('"配图"与素材来源清单]', "'\"配图\"与素材来源清单']")),
    _sub("flow-item-with-braces", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables: [排版完成的公众号图文, 配图{素材}来源清单]", [(SERVICES, 23, 36, "yaml-syntax")],
         message=("不能含有括号",), fix=("配图{素材}来源清单]", '"配图{素材}来源清单"]')),
    _sub("flow-item-reads-as-mapping", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables: [排版完成的公众号图文, 配图: 素材来源清单]", [(SERVICES, 23, 36, "wrong-type")],
         hint=('给这一项加引号：deliverables: [排版完成的公众号图文, "配图: 素材来源清单"]',),
         fix=("配图: 素材来源清单]", '"配图: 素材来源清单"]')),
    _sub("bullet-on-the-first-item", SERVICES, "          - 图文输出", "          • 图文输出",
         [(SERVICES, 21, 11, "yaml-syntax")], message=("“•”不是 YAML 的列表符号",), fix=("          • 图文输出", "          - 图文输出")),
    _sub("item-without-its-dash", SERVICES, "          - 图文输出", "          图文输出",
         [(SERVICES, 21, 11, "list-item-joined")], hint=("与第 22 行的“-”对齐（第 11 列）",),
         fix=("          图文输出", "          - 图文输出")),
    _sub("folded-line-indented-deeper", CONTRACT, "          本协议连同各表构成双方就本项目的完整协议；",
         "          本协议连同各表构成双方就本项目的完整协议；\n            ", [(CONTRACT, 49, 11, "block-indent")], severity="warning",
         message=("多缩进了 2 个空格",), fix=("完整协议；\n            ", "完整协议；\n          ")),
    _sub("numbered-points-folded", CONTRACT, "          本协议连同各表构成双方就本项目的完整协议；",
         "          1. 本协议连同各表构成双方就本项目的完整协议；\n          2. ", [(CONTRACT, 49, 11, "lines-joined")], severity="warning",
         message=("编号的各点不会分行",), hint=("改成“|”",), fix=("        text: >-\n          1. 本协议", "        text: |\n          1. 本协议")),
    _sub("yes-in-chinese", CLIENT, "sample: true", "sample: 是", [(CLIENT, 5, 9, "wrong-type")],
         message=("应为 true 或 false，实际是文字“是”",), hint=("“是”写成 true",), fix=("sample: 是", "sample: true")),
    _sub("quoted-number", CLIENT, "presales_stage: 5", 'presales_stage: "5"', [(CLIENT, 36, 17, "wrong-type")],
         hint=("去掉引号，写成 5",), fix=('presales_stage: "5"', "presales_stage: 5")),
    _sub("no-break-space-indent", DEAL1, "      title: 市场部经理", "\u00a0     title: 市场部经理", [(DEAL1, 25, 1, "fullwidth-space")],
         message=("U+00A0",), fix=("\u00a0     title", "      title")),
    _sub("zero-width-space", DEAL1, "title: 新品发布品牌视觉", "title: 新品\u200b发布品牌视觉", [(DEAL1, 5, 10, "invisible-char")],
         severity="warning", message=("零宽空格（U+200B）",), fix=("新品\u200b发布", "新品发布")),
    _sub("empty-list-item", SERVICES, "          - 图文输出，内容与客户的行业、产品或品牌相关\n", "          -\n",
         [(SERVICES, 21, 12, "empty-value")], hint=("在“- ”后面填写",), fix=("          -\n", "          - 图文输出\n")),
    _sub("fullwidth-at-in-email", DEAL1, "email: wang@yunfan.example", "email: wang＠yunfan.example", [(DEAL1, 26, 14, "bad-format")],
         hint=("“＠”是全角字符：切换到英文输入法，写成 wang@yunfan.example",), fix=("wang＠yunfan", "wang@yunfan")),
    _sub("two-emails-in-one", DEAL1, "email: wang@yunfan.example", "email: wang@yunfan.example, li@yunfan.example",
         [(DEAL1, 26, 14, "bad-format")], hint=("这里只能写一个",), fix=(", li@yunfan.example", "")),
    _sub("numbered-lines-joined", DEAL1, "title: 新品发布品牌视觉", "title: 1. 新品发布\n  2. 品牌视觉",
         [(DEAL1, 6, 3, "lines-joined")], severity="warning", message=("“1. 新品发布 2. 品牌视觉”",),
         hint=("title: |",), fix=("title: 1. 新品发布\n  2. 品牌视觉", "title: |\n  1. 新品发布\n  2. 品牌视觉")),
    _sub("value-starts-with-at", COMPANY, "    wechat: qinghe-creative-sample", "    wechat: @qinghe-creative-sample",
         [(COMPANY, 31, 13, "yaml-syntax")], message=("值不能以“@”开头", "cannot start with '@'"),
         hint=('wechat: "@qinghe-creative-sample"',), fix=("@qinghe-creative-sample", '"@qinghe-creative-sample"')),
    # a value that starts with a character YAML reads as syntax: said in words, the fix quotes the whole value
    *[
        _sub(f"value-starts-with-{name}", DEAL1, "title: 新品发布品牌视觉", f"title: {value}",
             [(DEAL1, 5, 8, "yaml-syntax")], message=(zh, en), hint=(f"title: {fixed}",), fix=(f"title: {value}", f"title: {fixed}"))
        for name, value, fixed, zh, en in [
            ("asterisk", "*重要* 新品发布", '"*重要* 新品发布"', "值不能以“*”开头：YAML 把它当作别名符号", "YAML reads it as an alias"),
            ("ampersand", "& 新品发布", '"& 新品发布"', "锚点符号", "an anchor"),
            ("percent", "%20 折扣 新品发布", '"%20 折扣 新品发布"', "指令符号", "a directive"),
            ("pipe", "| 新品发布", '"| 新品发布"', "多行文字的开头", "the start of a block of text"),
            ("dash", "- 新品发布", '"- 新品发布"', "列表项", "a list item"),
            ("question-mark", "? 新品发布", '"? 新品发布"', "键的标记", "a key marker"),
            ("single-quote", "'新品' 发布", "\"'新品' 发布\"", "引号只能把整个值括起来：'新品' 后面还有“发布”",
             "quotes must enclose the whole value"),
            ("double-quote", '"新品" 发布', "'\"新品\" 发布'", '引号只能把整个值括起来："新品" 后面还有“发布”',
             "quotes must enclose the whole value"),
            ("bracket", "[新品] 发布", '"[新品] 发布"', "以“[”开头的值是列表，“]”后面不能再有文字“发布”", "no text may follow its ']'"),
        ]
    ],
    _sub("quote-left-open", DEAL1, "title: 新品发布品牌视觉", 'title: "新品发布品牌视觉',
         [(DEAL1, 5, 8, "yaml-syntax")], message=("这一行的引号 \" 没有闭合：YAML 一直读到第 21 行的 \" 才结束", "not closed"),
         hint=('title: "新品发布品牌视觉"',), fix=('title: "新品发布品牌视觉', 'title: "新品发布品牌视觉"')),
    _sub("block-indicator-glued", DEAL1, "title: 新品发布品牌视觉", "title: |新品发布品牌视觉",
         [(DEAL1, 5, 8, "yaml-syntax")], message=("多行文字的开头",), fix=("title: |新品发布品牌视觉", 'title: "|新品发布品牌视觉"')),
    _sub("list-item-starts-with-quote", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]",
         "deliverables:\n          - 排版完成的公众号图文\n          - \"配图\"与素材来源清单",
         [(SERVICES, 25, 13, "yaml-syntax")], message=("引号只能把整个值括起来",),
         hint=("- '\"配图\"与素材来源清单'",), fix=('- "配图"与素材来源清单', "- '\"配图\"与素材来源清单'")),
]

SCHEMA_CASES = [
    _sub("typo-in-key", SERVICES, "        revisions:\n          included: 3\n          extra_price: 60\n",
         "        revisons:\n          included: 3\n          extra_price: 60\n",
         [(SERVICES, 24, 9, "unknown-key")], message=("revisons",), hint=("是不是想写 revisions？", "did you mean `revisions`?")),
    _sub("text-for-number", SERVICES, "        price: 300", "        price: 300元",
         [(SERVICES, 17, 16, "wrong-type")], hint=("without units",)),
    _sub("chinese-numeral", SERVICES, "          included: 3", "          included: 七",
         [(SERVICES, 25, 21, "wrong-type")], hint=("阿拉伯数字", "digits")),
    _sub("decimal-quantity", DEAL1, "    quantity: 1", "    quantity: 1.5",
         [(DEAL1, 12, 15, "wrong-type")], hint=("whole numbers",)),
    _sub("missing-unit-of-tier", SERVICES, "        unit: 篇\n        delivery: {min: 1", "        delivery: {min: 1",
         [(SERVICES, 15, 9, "missing-field")], message=("unit",)),
    _sub("missing-client-of-deal", DEAL1, "client: yunfan-tech\n", "",
         [(DEAL1, 3, 1, "missing-field")], message=("client",)),
    _sub("bad-enum", SERVICES, "    kind: design\n    description: 品牌", "    kind: desgin\n    description: 品牌",
         [(SERVICES, 56, 11, "not-allowed")], hint=("design",)),
    _sub("impossible-date", DEAL1, "date: 2026-11-20", "date: 2026-02-30", [(DEAL1, 6, 7, "bad-date")],
         message=("date: 2026-02-30 这一天不存在：2026 年 2 月只有 28 天", "February 2026 has 28 days"), hint=("2026-07-01",)),
    _sub("date-with-slashes", DEAL1, "date: 2026-11-20", "date: 2026/11/20", [(DEAL1, 6, 7, "bad-date")],
         hint=("写成 2026-11-20（年-月-日，月和日都写两位数）", "write 2026-11-20"), fix=("2026/11/20", "2026-11-20")),
    _sub("chinese-date", DEAL1, "date: 2026-11-20", "date: 2026年11月20日", [(DEAL1, 6, 7, "bad-date")],
         hint=("写成 2026-11-20",), fix=("2026年11月20日", "2026-11-20")),
    _sub("date-without-zeros", DEAL1, "date: 2026-11-20", "date: 2026-11-2", [(DEAL1, 6, 7, "bad-date")],
         hint=("写成 2026-11-02",), fix=("2026-11-2\n", "2026-11-02\n")),
    _sub("percent-above-100", TERMS, "  max_percent: 10%", "  max_percent: 120%",
         [(TERMS, 14, 16, "out-of-range")], message=("120%",)),
    _sub("refund-percent-above-100", REFUNDS, "        percent: 30%", "        percent: 130%", [(REFUNDS, 53, 18, "out-of-range")],
         hint=("0% 到 100%", "30% 或 13%", "between 0% and 100%", "30% or 13%"), fix=("percent: 130%", "percent: 30%")),
    _sub("deal-percent-above-100", DEAL1, "  percent: 5%", "  percent: 120%", [(DEAL1, 20, 12, "out-of-range")]),
    _sub("bad-percent", TERMS, "  rate: 6%", "  rate: 百分之六", [(TERMS, 9, 9, "bad-format")]),
    _sub("negative-price", SERVICES, "        price: 300", "        price: -300", [(SERVICES, 17, 16, "out-of-range")]),
    _sub("stage-revision-0", REFUNDS, "        from: revision-4", "        from: revision-0",
         [(REFUNDS, 52, 15, "bad-format")], hint=("first-draft",)),
    _sub("stage-second-draft", REFUNDS, "        from: revision-4", "        from: second-draft", [(REFUNDS, 52, 15, "bad-format")]),
    _sub("missing-step-id", REFUNDS, "      - id: rev-2\n        from: revision-2", "      - from: revision-2",
         [(REFUNDS, 73, 9, "missing-field")], message=("缺少必填项 id（步骤编号：", "missing the required field id (Step id:")),
    _sub("bad-step-id", REFUNDS, "      - id: rev-2\n", "      - id: Rev 2\n", [(REFUNDS, 73, 13, "bad-format")],
         message=("“Rev 2”不是有效的步骤编号：编号只能用小写英文字母、数字和“-”", "'Rev 2' is not a valid step id: an id uses only lower-case letters, digits and '-'"),
         hint=("例如 rev-2", "for example rev-2"), fix=("id: Rev 2", "id: rev-2")),
    _sub("missing-version", TERMS, 'version: "2026.1"\n', "", [(TERMS, 3, 1, "missing-field")], message=("version",)),
    _sub("missing-effective", TERMS, "effective: 2026-01-01\n", "", [(TERMS, 3, 1, "missing-field")], message=("effective",)),
    _sub("percent-and-amount-discount", DEAL1, "  percent: 5%", "  percent: 5%\n  amount: 100",
         [(DEAL1, 20, 3, "one-of-keys")], message=("percent", "amount")),
    _sub("unit-price-without-reason", DEAL3, "    price_reason: 两篇同一主题的技术文案，共用前期资料整理，单价优惠\n", "",
         [(DEAL3, 16, 5, "missing-field")], message=("price_reason",)),
    _sub("list-for-mapping", SERVICES, "        delivery: {min: 1, max: 2, next_piece: 1}", "        delivery: [1, 2]", [(SERVICES, 19, 19, "wrong-type")]),
    _sub("text-for-list", SERVICES, "        deliverables: [效果图（PNG/JPG）, 源文件（AI/PDF 矢量格式）]\n        source_formats: [AI, PDF]\n        # 决定",
         "        deliverables: 效果图\n        source_formats: [AI, PDF]\n        # 决定", [(SERVICES, 65, 23, "wrong-type")], hint=("- ",)),
    _sub("bool-for-text", COMPANY, "slogan: 与客户共同成长和进步", "slogan: true", [(COMPANY, 11, 9, "wrong-type")], hint=("quote",)),
]

MEANING_CASES = [
    _sub("refund-gap", REFUNDS, "      - id: rev-1-3\n        from: revision-1\n        to: revision-3\n        percent: 50%\n        text: 修改 1~3 次后仍不满意，退还该件退款基数的 50%\n", "",
         [(REFUNDS, 47, 15, "refund-gap")], message=("revision-1",)),
    _sub("refund-overlap", REFUNDS, "        from: revision-4", "        from: revision-3",
         [(REFUNDS, 52, 15, "refund-overlap")], message=("line 46",)),
    _sub("refund-rises", REFUNDS, "        percent: 30%\n        text: 多次修改（4 次及以上）后仍不满意，退还该件退款基数的 30%",
         "        percent: 60%\n        text: 多次修改（4 次及以上）后仍不满意，退还该件退款基数的 60%",
         [(REFUNDS, 53, 18, "refund-rises")], message=("60%",)),
    _sub("refund-order", REFUNDS, "        to: revision-3", "        to: first-draft",
         [(REFUNDS, 48, 13, "refund-order")], hint=("swap",), fix=("        from: revision-1\n        to: first-draft", "        from: revision-1\n        to: revision-3")),
    _sub("refund-at-most-unmarked", REFUNDS, "        kind: at_most\n", "",
         [(REFUNDS, 81, 15, "refund-at-most-unmarked")], hint=("kind: at_most",)),
    _sub("refund-uncovered", REFUNDS, _COPY_LAST_STEP, "",
         [(SERVICES, 29, 24, "refund-uncovered"), (SERVICES, 48, 24, "refund-uncovered"), (SERVICES, 174, 24, "refund-uncovered")],
         message=("revision-3",)),
    _sub("delivery-range", SERVICES, "        delivery: {min: 1, max: 2, next_piece: 1}", "        delivery: {min: 5, max: 3, next_piece: 1}",
         [(SERVICES, 19, 25, "delivery-range")], hint=("swap",)),
    _sub("fullwidth-space-after-colon", SERVICES, "        price: 300\n", "        price:\u3000300\n",
         [(SERVICES, 17, 15, "fullwidth-space")], message=("full-width space",)),
    _sub("deal-start-before-date", DEAL1, "start: 2026-11-23", "start: 2026-11-13",
         [(DEAL1, 7, 8, "start-before-date")], severity="warning", message=("before the quote date",)),
    _sub("delivery-absurd", SERVICES, "        delivery: {min: 1, max: 2, next_piece: 1}", "        delivery: {min: 1, max: 99999, next_piece: 1}",
         [(SERVICES, 19, 33, "out-of-range")], message=("above the maximum 250",)),
    _sub("unknown-refund-ladder", SERVICES, "        refund_ladder: copywriting\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n      - id: original",
         "        refund_ladder: copywritting\n        writer_change:\n          times: 1\n          when: [first-draft, revision-2]\n      - id: original",
         [(SERVICES, 29, 24, "unknown-ref")], hint=("did you mean `copywriting`?",)),
    _sub("deal-unknown-client", DEAL1, "client: yunfan-tech", "client: yunfan-teck", [(DEAL1, 4, 9, "unknown-ref")], hint=("yunfan-tech",)),
    _sub("deal-unknown-service", DEAL1, "  - service: logo-design", "  - service: logo-desing", [(DEAL1, 10, 14, "unknown-ref")], hint=("logo-design",)),
    _sub("deal-unknown-tier", DEAL1, "    tier: premium", "    tier: premuim", [(DEAL1, 11, 11, "unknown-ref")], hint=("premium",)),
    _sub("duplicate-step-id", REFUNDS, "      - id: rev-2\n", "      - id: rev-1\n", [(REFUNDS, 73, 13, "duplicate-id")],
         message=("阶梯步骤编号 rev-1 重复：第 68 行已经用过", "duplicate ladder step id rev-1: already used on line 68")),
    Case("duplicate-service-id", SERVICES, [(SERVICES, 179, 9, "duplicate-id")], append=_POSTER_BLOCK, message=("line 133",)),
    _sub("duplicate-tier-id", SERVICES, "      - id: premium", "      - id: standard", [(SERVICES, 77, 13, "duplicate-id")], message=("line 59",)),
    _sub("price-three-decimals", SERVICES, "        price: 300", "        price: 300.125", [(SERVICES, 17, 16, "money-precision")]),
    _sub("unit-price-three-decimals", DEAL3, "    unit_price: 1350.50", "    unit_price: 1350.505", [(DEAL3, 16, 17, "money-precision")]),
    _sub("discount-amount-three-decimals", DEAL3, "  amount: 200", "  amount: 200.001", [(DEAL3, 22, 11, "money-precision")]),
    _sub("payment-not-100", TERMS, "    percent: 50%\n    after: acceptance", "    percent: 40%\n    after: acceptance",
         [(TERMS, 17, 3, "payment-sum")], message=("90%",)),
    _sub("discount-needs-approver", DEAL1, "  percent: 5%", "  percent: 25%",
         [(DEAL1, 19, 1, "discount-approval")],
         hint=("在文件顶层加一行 approver（顶格写，不缩进，不要写在 discount 下面）", "discount:\n  percent: 25%\napprover: 王经理（2026-11-20 邮件批准）",
               "add a line approver at the top level of the file (not indented, not under discount)"),
         fix=("  percent: 25%\n", "  percent: 25%\napprover: 王经理（2026-11-20 邮件批准）\n")),
    _sub("discount-above-subtotal", DEAL3, "  amount: 200", "  amount: 99999", [(DEAL3, 22, 3, "discount-too-large")]),
    _sub("unit-price-below-list-without-approver", DEAL3, "    unit_price: 1350.50", "    unit_price: 500",
         [(DEAL3, 21, 1, "discount-approval")], message=("40.00% off the list prices (discount and special unit prices together)",)),
    _sub("discount-just-above-limit", DEAL1, "  percent: 5%", "  percent: 10.004%",
         [(DEAL1, 19, 1, "discount-approval")], message=("10.01% off the list prices",)),
    _sub("deal-id-not-file-name", DEAL1, "id: 2026-001-yunfan-launch", "id: 2026-001-yunfan", [(DEAL1, 3, 5, "id-filename")],
         hint=("把 id 改成 2026-001-yunfan-launch，或把文件改名为 2026-001-yunfan.yaml",)),
    _sub("start-left-empty", DEAL1, "start: 2026-11-23", "start:", [(DEAL1, 7, 7, "empty-value")],
         message=("start 还没有填写", "start is empty: fill it in"), hint=("在冒号后面填写日期，例如 2026-07-01", "write a date after the colon, e.g. 2026-07-01"),
         fix=("start:", "start: 2026-11-23")),
    Case("copied-deal-with-its-id-unchanged", "deals/2026-004-new.yaml", [("deals/2026-004-new.yaml", 3, 5, "id-filename")], copy_of=DEAL1,
         message=("id 2026-001-yunfan-launch 与文件名 2026-004-new.yaml 不一致",),
         hint=("把 id 改成 2026-004-new（2026-001-yunfan-launch.yaml 是另一个已有的文件：复制来的文件要用新的编号）",
               "set id to 2026-004-new (2026-001-yunfan-launch.yaml is another file already"),
         fix=("id: 2026-001-yunfan-launch", "id: 2026-004-new")),
    _sub("client-id-not-file-name", CLIENT, "id: mingcha-tea", "id: mingcha", [(CLIENT, 3, 5, "id-filename")]),
    _sub("calendar-conflict", CALENDAR, "covered_years: []\nholidays: []\nworkdays: []",
         "covered_years: []\nholidays:\n  - {date: 2027-02-07, name: 春节}\nworkdays:\n  - {date: 2027-02-07, name: 春节调休上班}",
         [(CALENDAR, 14, 12, "calendar-conflict")], message=("line 12",)),
    _sub("covered-year-without-its-statutory-holidays", CALENDAR, "covered_years: []\nholidays: []",
         "covered_years: [2027]\nholidays:\n  - {date: 2027-01-01, name: 元旦}", [(CALENDAR, 10, 17, "calendar-incomplete")], severity="warning",
         message=("2027 年的春节 2027-02-05…02-08、清明节 2027-04-05、劳动节 2027-05-01…05-02", "国庆节 2027-10-01…10-03 未列为假日",
                  "2027: Spring Festival 2027-02-05…02-08, Qingming Festival 2027-04-05", "would count as working days"),
         hint=("从 covered_years 里删除 2027", "remove 2027 from covered_years"), fix=("covered_years: [2027]", "covered_years: []")),
    _sub("covered-year-with-every-statutory-day-is-fine", CALENDAR, "covered_years: []\nholidays: []",
         "covered_years: [2027]\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n  - {date: 2027-02-05, name: 春节}\n"
         "  - {date: 2027-02-06, name: 春节}\n  - {date: 2027-02-07, name: 春节}\n  - {date: 2027-02-08, name: 春节}\n"
         "  - {date: 2027-04-05, name: 清明节}\n  - {date: 2027-05-01, name: 劳动节}\n  - {date: 2027-05-02, name: 劳动节}\n"
         "  - {date: 2027-06-09, name: 端午节}\n  - {date: 2027-09-15, name: 中秋节}\n  - {date: 2027-10-01, name: 国庆节}\n"
         "  - {date: 2027-10-02, name: 国庆节}\n  - {date: 2027-10-03, name: 国庆节}", []),
    _sub("calendar-estimate", DEAL1, "start: 2026-11-23", "start: 2026-12-28",
         [(DEAL1, 10, 5, "calendar-estimate"), (DEAL1, 13, 5, "calendar-estimate"), (DEAL1, 16, 5, "calendar-estimate")],
         severity="warning", message=("2027-01-05",)),
    _sub("quote-before-policy", DEAL1, "date: 2026-11-20", "date: 2025-12-01", [(DEAL1, 6, 7, "policy-not-effective")], severity="warning"),
    _sub("due-date-beyond-calendar", DEAL1, "start: 2026-11-23", "start: 9999-12-31", [(DEAL1, 7, 8, "date-out-of-range")]),
    _sub("unknown-classification-dimension", CLIENT, "  scale: 小型", "  size: 小型", [(CLIENT, 12, 3, "unknown-ref")], message=("size",)),
    _sub("unknown-classification-level", CLIENT, "  scale: 小型", "  scale: 微型", [(CLIENT, 12, 10, "unknown-level")], message=("小型",)),
    _sub("unknown-need-level", CLIENT, "  image: 门店", "  imag: 门店", [(CLIENT, 18, 3, "unknown-ref")], hint=("image",)),
    _sub("unknown-interest", CLIENT, "poster-design, copywriting]", "poster-design, copywritting]", [(CLIENT, 35, 44, "unknown-ref")]),
    _sub("unknown-presales-stage", CLIENT, "presales_stage: 5", "presales_stage: 9", [(CLIENT, 36, 17, "unknown-ref")]),
    Case("missing-rules-file", TERMS, [(TERMS, 0, 0, "missing-file")], delete=True),
    Case("unknown-rules-file", "rules/notes.yaml", [("rules/notes.yaml", 0, 0, "unknown-file")], create=b"a: 1\n", severity="warning"),
    Case("rules-file-with-yml-suffix", "rules/extra.yml", [("rules/extra.yml", 0, 0, "unknown-file")], create=b"a: 1\n", severity="warning"),
]

# Issue 11: slips found by a newcomer editing the YAML in a plain editor (each with the fix its hint gives)
EDITING_CASES = [
    _sub("percent-fraction-ladder", REFUNDS, "        percent: 30%\n        text: 多次", "        percent: 0.3\n        text: 多次",
         [(REFUNDS, 53, 18, "percent-fraction")],
         message=("percent: 0.3 会被读作 0.3 %；是不是想写 30 %？", "percent: 0.3 would mean 0.3 %; did you mean 30 %?"),
         hint=("30%", "0.3%"), fix=("percent: 0.3", "percent: 30%")),
    _sub("percent-fraction-tax-rate", TERMS, "  rate: 6%", "  rate: 0.06", [(TERMS, 9, 9, "percent-fraction")],
         message=("0.06 会被读作 0.06 %；是不是想写 6 %？", "0.06 would mean 0.06 %; did you mean 6 %?"), fix=("rate: 0.06", "rate: 6")),
    _sub("percent-fraction-max-discount", TERMS, "  max_percent: 10%", "  max_percent: 0.1", [(TERMS, 14, 16, "percent-fraction")],
         message=("是不是想写 10 %？", "did you mean 10 %?"), fix=("max_percent: 0.1", "max_percent: 10%")),
    _sub("percent-fraction-instalment", TERMS, "    percent: 50%\n    after: acceptance", "    percent: 0.5\n    after: acceptance",
         [(TERMS, 24, 14, "percent-fraction")], message=("是不是想写 50 %？", "did you mean 50 %?"), fix=("percent: 0.5", "percent: 50%")),
    _sub("percent-fraction-deal-discount", DEAL1, "  percent: 5%", "  percent: 0.05", [(DEAL1, 20, 12, "percent-fraction")],
         message=("是不是想写 5 %？", "did you mean 5 %?"), fix=("percent: 0.05", "percent: 5%")),
    _sub("percent-fraction-written-with-sign-is-fine", TERMS, "    rate: 0.5%", "    rate: 0.25%", []),
    _sub("percent-bare-whole-number-is-fine", DEAL1, "  percent: 5%", "  percent: 5", []),
    Case("yml-copy-of-a-deal", "deals/2026-001-yunfan-launch.yml", [("deals/2026-001-yunfan-launch.yml", 3, 5, "duplicate-id")],
         copy_of=DEAL1,
         message=("2026-001-yunfan-launch.yml 与 deals/2026-001-yunfan-launch.yaml 是同一个编号的两个文件；2026-001-yunfan-launch.yml 不会被读取",
                  "2026-001-yunfan-launch.yml and deals/2026-001-yunfan-launch.yaml are two files for the same id"),
         hint=("如果 deals/2026-001-yunfan-launch.yml 是复制出来的旧文件，删除它", "give it a new id")),
    Case("yml-copy-of-a-client-under-a-new-name", "clients/lakeside-tea.yml", [("clients/lakeside-tea.yml", 3, 5, "duplicate-id")],
         copy_of=CLIENT, message=("lakeside-tea.yml 与 clients/mingcha-tea.yaml 是同一个编号的两个文件",)),
    Case("yml-new-deal", "deals/2026-009-new.yml", [("deals/2026-009-new.yml", 0, 0, "wrong-suffix")], create=b"id: 2026-009-new\n",
         message=("2026-009-new.yml 的扩展名是 .yml，不会被读取：salesdocs 只读取扩展名为 .yaml 的文件", "ends in .yml and is not read"),
         hint=("把文件改名为 2026-009-new.yaml", "rename the file to 2026-009-new.yaml")),
    Case("upper-case-yaml-suffix", "clients/lakeside-tea.YAML", [("clients/lakeside-tea.YAML", 0, 0, "wrong-suffix")], create=b"id: lakeside-tea\n",
         hint=("把文件改名为 lakeside-tea.yaml",)),
    Case("yml-rules-file-beside-the-yaml", "rules/terms.yml", [("rules/terms.yml", 0, 0, "duplicate-id")], copy_of=TERMS,
         message=("terms.yml 与 rules/terms.yaml 是同一个编号的两个文件", "terms.yml and rules/terms.yaml are two files")),
    Case("notepad-txt-suffix", "deals/2026-009-new.yaml.txt", [("deals/2026-009-new.yaml.txt", 0, 0, "not-read")], create=b"id: 2026-009-new\n",
         severity="warning",
         message=("2026-009-new.yaml.txt 不会被读取：文件名的结尾是 .txt，不是 .yaml", "is not read: its name ends in .txt, not .yaml"),
         hint=("把文件改名为 2026-009-new.yaml", "rename the file to 2026-009-new.yaml")),
    Case("notepad-txt-copy-of-an-existing-deal", "deals/2026-001-yunfan-launch.yaml.txt", [("deals/2026-001-yunfan-launch.yaml.txt", 0, 0, "not-read")],
         copy_of=DEAL1, severity="warning", hint=("已有 deals/2026-001-yunfan-launch.yaml", "exists already")),
    Case("backup-copy-of-a-deal", "deals/2026-001-yunfan-launch - 副本.yaml", [("deals/2026-001-yunfan-launch - 副本.yaml", 0, 0, "backup-copy")],
         create=b"id: 2026-001-yunfan-launch\n", severity="warning",
         message=("2026-001-yunfan-launch - 副本.yaml 看起来是另一个文件的备份副本，不会被使用", "looks like a backup copy of another file; it is not used"),
         hint=("删除 deals/2026-001-yunfan-launch - 副本.yaml，或把它移到工作区以外的文件夹", "move it out of the workspace")),
    Case("backup-copy-numbered", "clients/mingcha-tea (2).yaml", [("clients/mingcha-tea (2).yaml", 0, 0, "backup-copy")],
         create=b"id: mingcha-tea\n", severity="warning", message=("备份副本", "backup copy")),
    Case("backup-copy-of-english-windows", "clients/Copy of mingcha-tea.yaml", [("clients/Copy of mingcha-tea.yaml", 0, 0, "backup-copy")],
         create=b"id: mingcha-tea\n", severity="warning"),
    Case("backup-copy-of-a-rules-file", "rules/terms - 副本.yaml", [("rules/terms - 副本.yaml", 0, 0, "backup-copy")],
         create=b"currency: CNY\n", severity="warning", hint=("删除 rules/terms - 副本.yaml",)),
    _sub("bad-client-id-in-deal", DEAL1, "client: yunfan-tech", "client: Yunfan Tech", [(DEAL1, 4, 9, "bad-format")],
         message=("“Yunfan Tech”不是有效的客户编号：编号只能用小写英文字母、数字和“-”，并以字母或数字开头",
                  "'Yunfan Tech' is not a valid client id: an id uses only lower-case letters, digits and '-'"),
         hint=("例如 yunfan-tech", "for example yunfan-tech"), fix=("client: Yunfan Tech", "client: yunfan-tech")),
    _sub("chinese-client-id-in-deal", DEAL1, "client: yunfan-tech", "client: 云帆科技", [(DEAL1, 4, 9, "bad-format")],
         message=("不是有效的客户编号", "is not a valid client id"), hint=("例如 lakeside-tea", "for example lakeside-tea")),
    _sub("bad-service-id-in-deal", DEAL1, "  - service: logo-design", "  - service: LOGO设计", [(DEAL1, 10, 14, "bad-format")],
         message=("不是有效的服务编号", "'LOGO设计' is not a valid service id"), hint=("例如 logo",)),
    _sub("bad-tier-id-in-deal", DEAL1, "    tier: premium", "    tier: Premium", [(DEAL1, 11, 11, "bad-format")],
         message=("不是有效的档位编号", "is not a valid tier id"), hint=("例如 premium",), fix=("tier: Premium", "tier: premium")),
    _sub("bad-client-file-id", CLIENT, "id: mingcha-tea", "id: Mingcha Tea", [(CLIENT, 3, 5, "bad-format")],
         hint=("例如 mingcha-tea",), fix=("id: Mingcha Tea", "id: mingcha-tea")),
    _sub("approver-under-discount", DEAL1, "  percent: 5%", "  percent: 25%\n  approver: 王经理（2026-11-20 邮件批准）",
         [(DEAL1, 21, 3, "misplaced-key")],
         message=("approver 不能写在 discount 下面：它属于文件顶层（顶格写，不缩进）", "approver does not belong under discount: it goes at the top level"),
         hint=("与 discount: 对齐", "lines up with discount:"), fix=("  approver:", "approver:")),
    _sub("fullwidth-comma-in-flow-mapping", SERVICES, "delivery: {min: 1, max: 2, next_piece: 1}", "delivery: {min: 1，max: 2, next_piece: 1}",
         [(SERVICES, 19, 26, "fullwidth-comma")],
         message=("花括号 { } 里用了全角逗号“，”，YAML 需要半角逗号“,”", "a full-width comma '，' inside { }; YAML needs ASCII commas ','"),
         hint=("把“，”改成“, ”", "replace '，' with ', '"), fix=("1，max", "1, max")),
    _sub("fullwidth-colon-in-flow-mapping", SERVICES, "delivery: {min: 1, max: 2, next_piece: 1}", "delivery: {min：1, max: 2, next_piece: 1}",
         [(SERVICES, 19, 23, "fullwidth-colon")], message=("全角冒号“：”", "full-width colon '："), hint=("min: ",), fix=("min：1", "min: 1")),
    _sub("chinese-commas-in-flow-text-are-fine", SERVICES, "delivery: {min: 1, max: 2, next_piece: 1}",
         "delivery: {min: 1, max: 2, next_piece: 1}  # 最短 1 天，最长 2 天", []),
    _sub("fullwidth-digits", SERVICES, "        price: 300\n", "        price: １５００\n", [(SERVICES, 17, 16, "fullwidth-digit")],
         message=("“１５００”里有全角字符“１”", "contains the full-width character '１'"), hint=("写成 1500", "write 1500"), fix=("１５００", "1500")),
    _sub("fullwidth-digit-after-ascii", SERVICES, "        price: 300\n", "        price: 3００\n", [(SERVICES, 17, 17, "fullwidth-digit")],
         hint=("写成 300",), fix=("3００", "300")),
    _sub("fullwidth-digit-in-flow-mapping", SERVICES, "delivery: {min: 1, max: 2, next_piece: 1}", "delivery: {min: １, max: 2, next_piece: 1}",
         [(SERVICES, 19, 25, "fullwidth-digit")], fix=("min: １", "min: 1")),
    _sub("fullwidth-percent-sign", TERMS, "  rate: 6%", "  rate: 6％", [(TERMS, 9, 10, "fullwidth-digit")],
         message=("全角字符“％”", "full-width character '％'"), hint=("写成 6%", "write 6%"), fix=("6％", "6%")),
    _sub("fullwidth-date", DEAL1, "date: 2026-11-20", "date: ２０２６-11-20", [(DEAL1, 6, 7, "fullwidth-digit")],
         hint=("写成 2026-11-20",), fix=("２０２６", "2026")),
    _sub("curly-quotes-around-version", TERMS, 'version: "2026.1"', "version: “2026.1”", [(TERMS, 3, 10, "typographic-quote")],
         message=("值两边是中文（弯）引号 “”", "wrapped in typographic quotes “”"), hint=('改成半角引号 "2026.1"', 'use ASCII quotes "2026.1"'),
         fix=("“2026.1”", '"2026.1"')),
    _sub("curly-single-quotes-around-version", TERMS, 'version: "2026.1"', "version: ‘2026.1’", [(TERMS, 3, 10, "typographic-quote")],
         fix=("‘2026.1’", "2026.1")),
    _sub("chinese-quotes-in-text-are-fine", SERVICES, "    name: 公众号文章", "    name: “公众号文章”", []),
    _sub("fullwidth-square-brackets", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]", "deliverables: ［排版完成的公众号图文, 配图与素材来源清单］",
         [(SERVICES, 23, 23, "fullwidth-bracket")], message=("全角括号“［”", "full-width bracket '［'"), hint=("“［”改成“[”", "'］' by ']'"),
         fix=("［排版完成的公众号图文, 配图与素材来源清单］", "[排版完成的公众号图文, 配图与素材来源清单]")),
    _sub("fullwidth-braces", SERVICES, "delivery: {min: 1, max: 2, next_piece: 1}", "delivery: ｛min: 1, max: 2, next_piece: 1｝",
         [(SERVICES, 19, 19, "fullwidth-bracket")], message=("全角括号“｛”",), fix=("｛min: 1, max: 2, next_piece: 1｝", "{min: 1, max: 2, next_piece: 1}")),
    _sub("lenticular-brackets-for-a-list", SERVICES, "deliverables: [排版完成的公众号图文, 配图与素材来源清单]", "deliverables: 【排版完成的公众号图文, 配图与素材来源清单】",
         [(SERVICES, 23, 23, "wrong-type")], hint=("“【”是全角（中文）括号", "a YAML list needs ASCII brackets: [排版完成的公众号图文, 配图与素材来源清单]"),
         fix=("【排版完成的公众号图文, 配图与素材来源清单】", "[排版完成的公众号图文, 配图与素材来源清单]")),
    _sub("hash-cuts-a-name", SERVICES, "        name: 品牌版\n", "        name: 品牌版 #1 推荐\n", [(SERVICES, 78, 19, "comment-cuts-text")],
         severity="warning", message=("“#1 推荐”被当作注释，值只剩下“品牌版”", "'#1 推荐' is read as a comment, so the value is only '品牌版'"),
         hint=('请给整个值加引号："品牌版 #1 推荐"', 'quote the whole value: "品牌版 #1 推荐"'), fix=("品牌版 #1 推荐", '"品牌版 #1 推荐"')),
    _sub("hash-after-a-phrase-left-open", SERVICES, "        name: 单面\n", "        name: 单面、 # 双面\n", [(SERVICES, 101, 19, "comment-cuts-text")],
         severity="warning", message=("值只剩下“单面、”",), fix=("单面、 # 双面", "单面、双面")),
    _sub("ordinary-comment-after-a-value", SERVICES, "        name: 标准版\n", "        name: 标准版  # 最常用的一档\n", []),
    _sub("ladder-text-disagrees-with-percent", REFUNDS, "        percent: 30%\n        text: 第二次修改后不满意", "        percent: 20%\n        text: 第二次修改后不满意",
         [(REFUNDS, 77, 35, "literal-figure")], severity="warning",
         message=("文字里写的是 30%，但同一项的 percent 是 20%：两处不一致", "the text says 30% but the same item's percent is 20%: they disagree"),
         hint=("改正其中一处", "correct one of them"), fix=("percent: 20%\n        text: 第二次", "percent: 30%\n        text: 第二次")),
    _sub("at-most-step-text-disagrees", REFUNDS, "        percent: 20%", "        percent: 15%", [(REFUNDS, 82, 37, "literal-figure")],
         severity="warning", message=("文字里写的是 20%",), fix=("基数的 20%", "基数的 15%")),
    _sub("tax-name-restates-another-rate", TERMS, "  name: 增值税", "  name: 增值税（5%）", [(TERMS, 8, 13, "literal-figure")],
         severity="warning", message=("rate 是 6%", "the same item's rate is 6%"), fix=("增值税（5%）", "增值税（6%）")),
    _sub("text-restating-its-own-percent-is-fine", TERMS, "    name: 预付款", "    name: 预付款（50%）", []),
    _sub("placeholder-left-in-a-client", CLIENT, "name: 杭州茗茶文化有限公司（示例）", "name: 客户公司名称（请填写）", [(CLIENT, 4, 7, "placeholder-text")],
         severity="warning", message=("这里还是示例的占位文字“客户公司名称（请填写）”，请换成真实内容", "this is still the example's placeholder text"),
         hint=("写上你们自己的内容",), fix=("客户公司名称（请填写）", "杭州茗茶文化有限公司")),
    _sub("indent-three-spaces-first-child", TERMS, "  name: 增值税\n  rate: 6%", "   name: 增值税\n  rate: 6%",
         [(TERMS, 8, 4, "yaml-syntax")], message=("缩进不一致", "inconsistent indentation"), fix=("   name: 增值税", "  name: 增值税")),
    _sub("indent-three-spaces-nested-block", TERMS, "liability:\n  late_delivery:", "liability:\n   late_delivery:",
         [(TERMS, 43, 4, "yaml-syntax")], message=("缩进不一致", "inconsistent indentation")),
    _sub("indent-three-spaces-before-a-comment", TERMS, "minutes:\n  send_days: 1", "minutes:\n   send_days: 1",
         [(TERMS, 38, 4, "yaml-syntax")], message=("inconsistent indentation",)),
    _sub("indent-three-among-four", TERMS, "  late_payment:\n    rate: 0.05%", "  late_payment:\n   rate: 0.05%",
         [(TERMS, 48, 4, "yaml-syntax")], message=("inconsistent indentation",)),
]
# fmt: on

CASES = READER_CASES + SCHEMA_CASES + MEANING_CASES + EDITING_CASES


def test_corpus_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def _check(run_cli, root: Path, *extra: str) -> tuple[int, list[dict]]:
    result = run_cli("check", "--workspace", root, "--format", "json", "--lang", "both", *extra)
    assert "Traceback" not in result.out + result.err
    return result.exit_code, json.loads(result.out)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_workspace(case: Case, workspace: Path, run_cli) -> None:
    case.apply(workspace)
    code, problems = _check(run_cli, workspace)
    found = [(p["file"], p["line"], p["column"], p["code"]) for p in problems]
    assert found == case.expect, "\n".join(f"{p['file']}:{p['line']}:{p['column']} {p['code']} {p['message']}" for p in problems)
    assert all(p["severity"] == case.severity for p in problems)
    if not case.expect:
        assert code == 0
        return
    first = problems[0]
    for word in case.message:
        assert word in first["message"], first["message"]
    for word in case.hint:
        assert word in first["hint"], first["hint"]
    assert first["message_zh"] and first["message_en"]
    if case.severity == "error":
        assert code == 1
    else:
        assert code == 0  # warnings alone do not fail …
        strict_code, strict = _check(run_cli, workspace, "--strict")
        assert strict_code == 1  # … unless --strict
        assert [(p["file"], p["line"], p["column"], p["code"]) for p in strict] == case.expect
        assert all(p["severity"] == "error" for p in strict)
    if case.fix is not None:  # the fix the hint gives works the first time
        case.apply_fix(workspace)
        fixed_code, fixed = _check(run_cli, workspace, "--strict")
        assert (fixed_code, fixed) == (0, []), fixed


def test_many_mistakes_in_one_run_sorted_by_file_and_line(workspace: Path, run_cli) -> None:
    # applied in an order unrelated to the files, to show the report is sorted
    for case_id in ("impossible-date", "typo-in-key", "unit-price-without-reason", "bool-word-yes", "stage-revision-0", "gbk-file"):
        next(c for c in CASES if c.id == case_id).apply(workspace)
    (workspace / CLIENT).write_text(
        (workspace / CLIENT).read_text(encoding="utf-8").replace("presales_stage: 5", "presales_stage: 五"), encoding="utf-8"
    )
    code, problems = _check(run_cli, workspace)
    assert code == 1
    found = [(p["file"], p["line"], p["column"], p["code"]) for p in problems]
    assert found == [
        (CLIENT, 36, 17, "wrong-type"),
        (DEAL1, 6, 7, "bad-date"),
        (DEAL3, 16, 5, "missing-field"),
        (REFUNDS, 52, 15, "bad-format"),
        (SERVICES, 24, 9, "unknown-key"),
        (TERMS, 2, 3, "encoding-gbk"),  # gbk-file replaced the bool-word mistake: the whole file is unreadable
    ]
    assert found == sorted(found)


def test_many_mistakes_across_clients_and_deals(workspace: Path, run_cli) -> None:
    for case_id in ("deal-unknown-tier", "deal-unknown-client", "unknown-interest", "unknown-need-level", "discount-amount-three-decimals"):
        next(c for c in CASES if c.id == case_id).apply(workspace)
    code, problems = _check(run_cli, workspace)
    assert code == 1
    found = [(p["file"], p["line"], p["column"], p["code"]) for p in problems]
    assert found == [
        (CLIENT, 18, 3, "unknown-ref"),
        (CLIENT, 35, 44, "unknown-ref"),
        (DEAL1, 4, 9, "unknown-ref"),
        (DEAL1, 11, 11, "unknown-ref"),
        (DEAL3, 22, 11, "money-precision"),
    ]


def test_a_broken_rules_file_stops_the_later_checks(workspace: Path, run_cli) -> None:
    # terms.yaml cannot be read, so the policy and workspace checks do not run:
    # one mistake is not reported as ten follow-up errors
    for case_id in ("bool-word-yes", "deal-unknown-client", "payment-not-100"):
        next(c for c in CASES if c.id == case_id).apply(workspace)
    code, problems = _check(run_cli, workspace)
    assert code == 1
    assert [(p["file"], p["line"], p["column"], p["code"]) for p in problems] == [(TERMS, 11, 23, "yaml-bool-word")]

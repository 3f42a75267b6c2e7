"""Reading an after-sales CSV: the file's bytes, its text encoding, its header and its rows.

* **Encodings**: UTF-8 with or without BOM, GBK/GB18030 (what Excel on Chinese Windows
  writes) and UTF-16 with BOM (Excel's "Unicode text"); comma- or tab-separated.
* **Headers**: clear English names (``received_at``) or the Chinese ones a Chinese
  spreadsheet has (``收到时间``), mapped to the same fields; unknown columns are ignored.

Nothing here knows what a valid value is; :mod:`salesdocs.records.validating` does.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from salesdocs.errors import ImportProblems, RecordsError, RowProblem

__all__ = ["EVENT_FIELDS", "KINDS", "TICKET_FIELDS", "Table", "decode", "read_bytes", "read_rows"]

#: field → (Chinese header, other accepted headers …); the English header is the field name.
TICKET_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "工单号", "工单编号", "ticket_id", "external_id"),
    "received_at": ("收到时间", "接收时间", "登记时间", "received"),
    "channel": ("渠道", "来源渠道", "来源"),
    "client": ("客户", "客户名称", "client_id"),
    "project": ("项目", "项目编号", "project_id"),
    "service": ("服务", "服务项目", "service_id"),
    "category": ("问题类别", "类别", "问题分类", "category_id"),
    "description": ("描述", "问题描述"),
    "first_response_at": ("首次回复时间", "首次响应时间", "first_response"),
    "resolved_at": ("解决时间", "resolved"),
    "resolution": ("处理结果", "解决方案"),
    "onsite": ("是否上门", "上门", "on_site"),
    "satisfaction": ("满意度", "客户满意度"),
}
TICKET_REQUIRED = ("received_at", "channel", "client", "service", "category")

EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "事件编号", "event_id", "external_id"),
    "project": ("项目", "项目编号", "project_id"),
    "deal": ("交易", "交易编号", "deal_id"),
    "client": ("客户", "client_id"),
    "service": ("服务", "service_id"),
    "tier": ("档位", "tier_id"),
    "event": ("事件", "事件类型", "type", "event_type"),
    "at": ("时间", "日期", "发生时间", "timestamp", "date"),
    "stage": ("阶段",),
    "amount_paid": ("已付金额", "已付款", "paid"),
    "refund_amount": ("退款金额", "refund"),
    "note": ("备注", "说明"),
}
EVENT_REQUIRED = ("project", "service", "event", "at")

#: kind → (fields, required fields)
KINDS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]] = {
    "tickets": (TICKET_FIELDS, TICKET_REQUIRED),
    "events": (EVENT_FIELDS, EVENT_REQUIRED),
}


def read_bytes(path: Path, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RecordsError(f"{where}: 无法读取：{exc.strerror or exc}", f"{where}: cannot be read: {exc.strerror or exc}") from None


def decode(data: bytes, where: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordsError(
                f"{where}: 文件以 UTF-8 标记开头，但第 {exc.start} 字节不是有效的 UTF-8",
                f"{where}: the file starts with a UTF-8 BOM but byte {exc.start} is not valid UTF-8",
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RecordsError(f"{where}: 不是有效的 UTF-16 文件", f"{where}: not a valid UTF-16 file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RecordsError(
            f"{where}: 无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）；请在 Excel 中另存为“CSV UTF-8”",
            f"{where}: unknown text encoding (neither UTF-8 nor GBK/GB18030); save it from Excel as 'CSV UTF-8'",
        ) from None


def _header_key(text: str) -> str:
    key = text.strip().strip("\ufeff").strip("*＊").strip()
    key = re.sub(r"\s*[（(][^（()）]*[)）]\s*$", "", key)  # 满意度（1-5）→ 满意度
    return re.sub(r"[\s\-]+", "_", key.lower())


def _aliases(fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, others in fields.items():
        table[_header_key(name)] = name
        for other in others:
            table[_header_key(other)] = name
    return table


@dataclass
class Table:
    """A CSV's rows and where each field is: ``index`` field → column, ``shown`` field → header as written."""

    index: dict[str, int]
    shown: dict[str, str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells), blank rows left out

    def getter(self, cells: list[str]) -> Callable[[str], str]:
        """field → the row's stripped cell ("" when the column is missing or the row short)."""
        n = len(cells)
        values = {name: cells[i].strip() for name, i in self.index.items() if i < n}
        return lambda name: values.get(name, "")

    def col(self, name: str) -> str:
        """How messages name the column of a field: its header as written."""
        return self.shown.get(name, name)


def _header(header: list[str], where: str, kind: str) -> tuple[dict[str, int], dict[str, str]]:
    fields, required = KINDS[kind]
    aliases = _aliases(fields)
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    problems: list[RowProblem] = []
    for i, cell in enumerate(header):
        name = aliases.get(_header_key(cell))
        if name is None:
            continue
        if name in index:
            problems.append(
                RowProblem(
                    1,
                    cell.strip(),
                    f"与列“{shown[name]}”含义相同（都是 {name}）",
                    f"means the same as column '{shown[name]}' (both are {name})",
                )
            )
            continue
        index[name] = i
        shown[name] = cell.strip().strip("\ufeff")
    for name in required:
        if name not in index:
            problems.append(RowProblem(None, "", f"缺少列：{name}（中文表头：{fields[name][0]}）", f"missing column: {name}"))
    if problems:
        raise ImportProblems(where, problems)
    return index, shown


def read_rows(text: str, where: str, kind: str) -> Table:
    """The header (mapped to fields) and the non-blank rows of a CSV's text."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise RecordsError(f"{where}: 文件是空的", f"{where}: the file is empty") from None
    except csv.Error as exc:
        raise RecordsError(f"{where}:1: 无法读取表头：{exc}", f"{where}:1: cannot read the header: {exc}") from None
    index, shown = _header(header, where, kind)
    rows: list[tuple[int, list[str]]] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise ImportProblems(where, [RowProblem(number + 1, "", f"CSV 格式错误：{exc}", f"malformed CSV: {exc}")]) from None
    return Table(index, shown, rows)

"""`memo today`, `memo call`, `memo snooze`, `memo dismiss`: the morning list without the app.

The JSON contract, the printed list, the .csv and .ics files, each call outcome and what it does
to the next `memo today`, errors that change nothing, hostile text, privacy, filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from memo import agenda, money, ops
from memo.db import open_book
from memo.models import REASON_KINDS
from .conftest import mode

from .conftest import CliRun

DAY = dt.date(2026, 12, 1)  # a Tuesday, a working day
D = DAY.isoformat()
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x1b[31m红\x1b[0m\x1b]0;pwned\x07\x9b2J\r\x00\x7f\x08[bold]x[/oops]"
CONTRACT = {"client_id", "name", "phones", "tier", "score", "do_not_call", "reasons"}


class Run(CliRun):
    def today(self, day: str = D, *argv: str) -> list[dict]:
        return self.json("today", "--date", day, *argv)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


@pytest.fixture
def run(capsys: pytest.CaptureFixture, db: Path) -> Run:
    return Run(capsys, db)


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour)


@pytest.fixture
def ids(db: Path) -> dict[str, int]:
    """张三 (gold): ¥500,000 maturing Thu 12-03; 李四 (private): birthday today; 王芳 (platinum): a
    request due 11-28; 赵六: do not call, a request due 11-30. 张三 and 赵六 both end in 8000."""
    book = open_book(db)
    try:
        zhang = ops.add_client(book, "张三", ["13800138000"], tier="金卡", now=_at(1)).id
        ops.edit_client(book, zhang, call_hours="9-11点")
        money.add_deposit(book, zhang, "500000", "2026-09-03", term="3m", today=DAY)
        li = ops.add_client(book, "李四", ["13912345678"], tier="私行", birthday="1971-12-01", now=_at(1)).id
        wang = ops.add_client(book, "王芳", ["15011112222"], tier="白金", now=_at(1)).id
        ops.jot(book, "要2万美元现金, 网点没有; 需预约", wang, due=dt.date(2026, 11, 28), now=_at(20))
        zhao = ops.add_client(book, "赵六", ["13700008000"], now=_at(1)).id
        ops.edit_client(book, zhao, do_not_call=True)
        ops.jot(book, "换新钞", zhao, due=dt.date(2026, 11, 30), now=_at(20))
    finally:
        book.close()
    return {"zhang": zhang, "li": li, "wang": wang, "zhao": zhao}


def _by_id(rows: list[dict]) -> dict[int, dict]:
    return {r["client_id"]: r for r in rows}


def _tables(db: Path) -> dict[str, list[tuple]]:
    """Every row of the tables the commands write, to show that a failure changed nothing."""
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()
                for name in ("contact", "memo", "snooze", "dismissal", "client", "holding")}
    finally:
        conn.close()


def _assert_clean(text: str) -> None:
    text = text.replace("\n", "")
    assert "\x1b" not in text
    assert not CONTROL.search(text), repr(CONTROL.search(text).group())


# --- the JSON contract -----------------------------------------------------------------------------------


def test_json_contract(run: Run, ids: dict[str, int], db: Path) -> None:
    rows = run.today()
    assert isinstance(rows, list) and rows
    book = open_book(db)
    try:
        expected = agenda.compute(book, DAY).rows
    finally:
        book.close()
    # the same rows, order and scores as the engine (and so the screen)
    assert [r["client_id"] for r in rows] == [r.client_id for r in expected]
    assert [r["score"] for r in rows] == [r.score / 10 for r in expected]
    for row, want in zip(rows, expected):
        assert CONTRACT <= set(row)
        assert isinstance(row["client_id"], int) and isinstance(row["name"], str)
        assert isinstance(row["phones"], list) and all(isinstance(p, str) for p in row["phones"])
        assert row["tier"] in ("regular", "gold", "platinum", "diamond", "private")
        assert isinstance(row["score"], float) and not isinstance(row["score"], bool)
        assert isinstance(row["do_not_call"], bool)
        assert [r["kind"] for r in row["reasons"]] == [r.kind for r in want.reasons]
        for reason in row["reasons"]:
            assert {"kind", "detail", "date", "days"} <= set(reason)
            assert reason["kind"] in REASON_KINDS
            assert isinstance(reason["detail"], str) and reason["detail"]
            date = dt.date.fromisoformat(reason["date"])
            assert reason["days"] == (date - DAY).days
            if "amount" in reason:
                assert isinstance(reason["amount"], str) and re.fullmatch(r"\d+\.\d{2}", reason["amount"])
    by = _by_id(rows)
    zhang = by[ids["zhang"]]
    assert (zhang["name"], zhang["phones"], zhang["tier"]) == ("张三", ["13800138000"], "gold")
    (maturity,) = [r for r in zhang["reasons"] if r["kind"] == "maturity"]
    assert (maturity["amount"], maturity["date"], maturity["days"]) == ("500000.00", "2026-12-03", 2)
    assert zhang["call_hours"] == "9-11点" and zhang["status"] == "" and zhang["done"] is False
    assert by[ids["li"]]["reasons"][0]["kind"] == "birthday"
    (request,) = by[ids["wang"]]["reasons"]
    assert (request["kind"], request["days"], request["overdue"]) == ("request", -3, 3)
    assert "amount" not in request
    # do-not-call rows are listed, apart, last
    assert rows[-1]["client_id"] == ids["zhao"] and rows[-1]["do_not_call"] is True
    assert not any(r["do_not_call"] for r in rows[:-1])


def test_json_score_is_points(run: Run, ids: dict[str, int]) -> None:
    for row in run.today():
        assert row["score_text"] == agenda.points(round(row["score"] * 10))
        assert round(sum(r["score"] for r in row["reasons"]) * 10) <= round(row["score"] * 10)


def test_json_language_changes_only_the_words(run: Run, ids: dict[str, int]) -> None:
    zh = run.today(D, "--lang", "zh")
    en = run.today(D, "--lang", "en")
    strip = [{**r, "reasons": [{k: v for k, v in x.items() if k != "detail"} for x in r["reasons"]]} for r in zh]
    assert strip == [{**r, "reasons": [{k: v for k, v in x.items() if k != "detail"} for x in r["reasons"]]}
                     for r in en]
    assert zh[0]["reasons"][0]["detail"] != en[0]["reasons"][0]["detail"]


# --- the printed list --------------------------------------------------------------------------------


def test_plain_output(run: Run, ids: dict[str, int]) -> None:
    out = run.ok("today", "--date", D, "--lang", "en")
    lines = out.splitlines()
    assert lines[0] == "Today 2026-12-01 Tuesday"
    assert lines[1] == "maturity 1 · birthday 1 · request 2"
    assert lines[2] == "3 to call · 0 done · 0 snoozed · 1 do not call"
    zhang = next(line for line in lines if "张三" in line)
    assert re.fullmatch(rf"\s*\d+\.\d  #{ids['zhang']}  张三  138 0013 8000  Gold  call 9-11点", zhang)
    at = lines.index(zhang)
    assert lines[at + 1].startswith("       maturity: ¥500,000 matures 2026-12-03")
    # do-not-call rows: a section of their own, at the end
    apart = lines.index("Do not call (1): shown, not to be called")
    assert any("赵六" in line for line in lines[apart:])
    assert not any("赵六" in line for line in lines[:apart])
    assert "       request: 换新钞 (due 2026-11-30) (1d overdue)" in lines[apart:]
    zh = run.ok("today", "--date", D, "--lang", "zh").splitlines()
    assert zh[0] == "今日 2026-12-01 星期二"
    assert zh[2] == "待联系 3 位 · 已完成 0 · 推迟 0 · 勿扰 1"
    assert any(line.startswith("       到期：¥500,000 于 2026-12-03 到期") for line in zh)


def test_plain_output_order_is_the_json_order(run: Run, ids: dict[str, int]) -> None:
    rows = run.today()
    out = run.ok("today", "--date", D, "--lang", "en")
    shown = [int(m) for m in re.findall(r"^\s*\d+\.\d  #(\d+)  ", out, re.MULTILINE)]
    assert shown == [r["client_id"] for r in rows]


def test_empty_day(run: Run) -> None:
    out = run.ok("today", "--date", D, "--lang", "en")
    assert out.splitlines()[-1] == "No calls to make on this day"
    assert run.today() == []


def test_limit(run: Run, ids: dict[str, int]) -> None:
    everything = run.today()
    assert run.today(D, "--limit", "2") == everything[:2]
    out = run.ok("today", "--date", D, "--limit", "1", "--lang", "en")
    assert out.splitlines()[-1] == "3 more not listed (--limit)"
    assert run.fails("today", "--limit", "0", "--lang", "en") == ["memo: --limit: The limit “0” must be more than 0"]


# --- filters ---------------------------------------------------------------------------------------------


def test_kind_and_tier_filters(run: Run, ids: dict[str, int]) -> None:
    def who(*argv: str) -> set[int]:
        return {r["client_id"] for r in run.today(D, *argv)}

    assert who("--kind", "maturity") == {ids["zhang"]}
    assert who("--kind", "birthday,request") == {ids["li"], ids["wang"], ids["zhao"]}
    assert who("--kind", "birthday", "--kind", "到期") == {ids["li"], ids["zhang"]}
    assert who("--tier", "金卡") == {ids["zhang"]}
    assert who("--tier", "private", "--tier", "gold") == {ids["zhang"], ids["li"]}
    assert who("--kind", "request", "--tier", "platinum") == {ids["wang"]}
    assert who("--kind", "holding") == set()
    out = run.ok("today", "--date", D, "--kind", "request", "--lang", "en")
    assert "2 of 4 after the filters" in out.splitlines()
    assert "maturity 1 · birthday 1 · request 2" in out.splitlines()  # counts are over the whole list
    assert run.fails("today", "--kind", "lunch", "--lang", "en")[0].startswith("memo: --kind: No reason kind “lunch”")
    assert run.fails("today", "--tier", "银卡", "--lang", "en")[0].startswith("memo: --tier: No tier “银卡”")


# --- privacy ---------------------------------------------------------------------------------------------


def test_privacy_mode_masks_numbers_and_amounts(run: Run, ids: dict[str, int], tmp_path: Path) -> None:
    run.ok("privacy", "on")
    out = run.ok("today", "--date", D, "--lang", "en")
    assert "138****8000" in out and "138 0013 8000" not in out
    assert "¥500,000" not in out and "*** matures 2026-12-03" in out
    rows = run.today()
    zhang = _by_id(rows)[ids["zhang"]]
    assert zhang["phones"] == ["138****8000"] and zhang["masked"] is True
    assert zhang["reasons"][0]["amount"] == "***" and "500" not in zhang["reasons"][0]["detail"]
    run.ok("today", "--date", D, "--csv", str(tmp_path / "t.csv"), "--ics", str(tmp_path / "t.ics"))
    for name in ("t.csv", "t.ics"):
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert "13800138000" not in text and "138 0013 8000" not in text and "500000" not in text
    # --full: everything, even in privacy mode; --mask: masked without it
    full = run.ok("today", "--date", D, "--full", "--lang", "en")
    assert "138 0013 8000" in full and "¥500,000" in full
    assert _by_id(run.today(D, "--full"))[ids["zhang"]]["phones"] == ["13800138000"]
    run.ok("privacy", "off")
    assert "138 0013 8000" in run.ok("today", "--date", D)
    assert "138****8000" in run.ok("today", "--date", D, "--mask")


def test_privacy_masks_numbers_typed_in_a_reason(run: Run, ids: dict[str, int]) -> None:
    run.ok("jot", "回电 13912345678 问利率", "--client", "#" + str(ids["wang"]), "--due", "2026-11-30",
           "--date", "2026-11-25")
    assert "13912345678" in run.ok("today", "--date", D)
    masked = run.ok("today", "--date", D, "--mask")
    assert "13912345678" not in masked and "139****5678" in masked
    assert "2026-11-30" in masked  # dates are not phone numbers


# --- files -----------------------------------------------------------------------------------------------


def test_csv_file(run: Run, ids: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "out" / "today.csv"
    path.parent.mkdir()
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    out = run.ok("today", "--date", D, "--csv", str(path), "--lang", "en")
    assert out == f"Wrote 4 reason lines to {path}\n"
    assert mode(path) == 0o600
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert records[0] == ["client_id", "name", "phones", "tier", "score", "kind", "detail", "date", "amount",
                          "days", "status", "do_not_call"]
    rows = run.today()
    assert len(records) - 1 == sum(len(r["reasons"]) for r in rows)
    flat = [(str(r["client_id"]), x["kind"], x["date"]) for r in rows for x in r["reasons"]]
    assert [(rec[0], rec[5], rec[7]) for rec in records[1:]] == flat
    zhang = next(rec for rec in records[1:] if rec[5] == "maturity")
    assert zhang[1:5] == ["张三", "13800138000", "gold", agenda.points(round(rows[0]["score"] * 10))]
    assert (zhang[8], zhang[9], zhang[10], zhang[11]) == ("500000.00", "2", "", "0")
    assert records[-1][1] == "赵六" and records[-1][11] == "1"
    assert all(rec[8] == "" for rec in records[1:] if rec[5] != "maturity")


def test_csv_keeps_formulas_as_text(run: Run, tmp_path: Path) -> None:
    run.ok("client", "add", "--name", "=HYPERLINK(\"x\")", "--phone", "13600000001")
    run.ok("jot", "@SUM(A1)", "--client", "13600000001", "--due", "2026-11-30", "--date", "2026-11-25")
    run.ok("today", "--date", D, "--csv", str(tmp_path / "t.csv"))
    records = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert records[1][1] == "'=HYPERLINK(\"x\")"
    assert records[1][6].startswith("'@SUM(A1) ")


def test_a_memo_without_a_client_is_a_row(run: Run, tmp_path: Path) -> None:
    run.ok("jot", "有人要美元，回电 13800138000", "--due", "2026-11-30", "--date", "2026-11-25")
    (row,) = run.today()
    assert (row["client_id"], row["memo_id"], row["name"], row["phones"]) == (None, 1, "", [])
    assert [r["kind"] for r in row["reasons"]] == ["request"]
    out = run.ok("today", "--date", D, "--lang", "en")
    assert any(re.fullmatch(r"\s*\d+\.\d  \(memo #1, no client\)", line) for line in out.splitlines())
    run.ok("today", "--date", D, "--ics", str(tmp_path / "t.ics"), "--lang", "en")
    lines = _unfold((tmp_path / "t.ics").read_bytes().decode("utf-8"))
    assert "SUMMARY:call (memo #1\\, no client)" in lines and "UID:today-m1-20261201@lobby-memo" in lines


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_file(run: Run, ids: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "today.ics"
    out = run.ok("today", "--date", D, "--ics", str(path), "--lang", "en")
    assert out == f"Wrote 3 calendar events to {path}\n"
    assert mode(path) == 0o600
    lines = _unfold(path.read_bytes().decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 3  # one per row to call: the do-not-call row is no call
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    rows = [r for r in run.today() if not r["do_not_call"]]
    assert summaries == [f"SUMMARY:call {r['name']}" for r in rows]
    assert lines.count("DTSTART;VALUE=DATE:20261201") == 3
    assert f"UID:today-c{ids['zhang']}-20261201@lobby-memo" in lines
    wang = next(line for line in lines if line.startswith("DESCRIPTION:150 1111 2222"))
    # text escaped as RFC 5545 TEXT: commas and semicolons, line breaks as \n
    assert "要2万美元现金\\, 网点没有\\; 需预约" in wang
    assert "\\nrequest: " in wang
    zhang = next(line for line in lines if line.startswith("DESCRIPTION:138 0013 8000"))
    assert "call 9-11点" in zhang and "¥500\\,000" in zhang


def test_files_with_json_still_print_the_list(run: Run, ids: dict[str, int], tmp_path: Path) -> None:
    rows = run.json("today", "--date", D, "--csv", str(tmp_path / "a.csv"), "--ics", str(tmp_path / "a.ics"))
    assert rows == run.today()
    assert (tmp_path / "a.csv").is_file() and (tmp_path / "a.ics").is_file()


def test_unwritable_file_is_one_line(run: Run, ids: dict[str, int], tmp_path: Path) -> None:
    lines = run.fails("today", "--date", D, "--csv", str(tmp_path), "--lang", "en")
    assert len(lines) == 1 and lines[0].startswith(f"memo: --csv: Can't write the export: {tmp_path}")


# --- calls and their effect on the next list -------------------------------------------------------------


def _contacts(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT client_id, outcome, reasons, note, new_info, opportunity, sold_fen, "
                            "next_follow_up, date(at) FROM contact ORDER BY id").fetchall()
    finally:
        conn.close()


def test_call_reached(run: Run, ids: dict[str, int], db: Path) -> None:
    out = run.ok("call", "张三", "--outcome", "reached", "--note", "周四来办", "--new-info", "儿子要结婚",
                 "--opportunity", "大额存单", "--sold", "20万", "--date", D, "--lang", "en")
    assert out == "Call logged: 张三 · reached\n"
    assert _contacts(db) == [(ids["zhang"], "reached", "maturity", "周四来办", "儿子要结婚", "大额存单",
                              20_000_000, None, D)]
    rows = run.today()
    zhang = _by_id(rows)[ids["zhang"]]
    assert (zhang["status"], zhang["done"]) == ("reached", True)  # still listed today, shown done
    assert rows.index(zhang) == 2  # after the rows still to call, before do-not-call
    lines = run.ok("today", "--date", D, "--lang", "en").splitlines()
    assert "2 to call · 1 done · 0 snoozed · 1 do not call" in lines
    assert any("张三" in line and line.endswith("✓ reached") for line in lines)
    # the next working day: the maturity call is made (only the day-before confirmation comes up)
    nxt = _by_id(run.today("2026-12-02")).get(ids["zhang"])
    assert nxt is None or [(r["kind"], r["sub"]) for r in nxt["reasons"]] == [("maturity", "confirm")]


def test_call_no_answer(run: Run, ids: dict[str, int], db: Path) -> None:
    out = run.ok("call", "李四", "--outcome", "no_answer", "--date", D, "--lang", "en")
    assert out == "Call logged: 李四 · no answer; try again 2026-12-02\n"
    assert _contacts(db) == [(ids["li"], "no_answer", "birthday", "", "", "", None, None, D)]
    li = _by_id(run.today())[ids["li"]]
    assert (li["status"], li["done"]) == ("no_answer", False)
    assert "no answer today" in run.ok("today", "--date", D, "--lang", "en")
    # not handled: the birthday carries over to the next working day, overdue
    nxt = _by_id(run.today("2026-12-02"))[ids["li"]]
    assert nxt["status"] == ""
    assert [(r["kind"], r["overdue"]) for r in nxt["reasons"] if r["kind"] == "birthday"] == [("birthday", 1)]


def test_call_callback(run: Run, ids: dict[str, int], db: Path) -> None:
    data = run.json("call", "15011112222", "--outcome", "callback", "--next", "周五", "--note", "等外汇到了再说",
                    "--date", D)
    assert (data["client_id"], data["outcome"], data["reasons"]) == (ids["wang"], "callback", ["request"])
    assert data["callback_memo_id"] and data["retry_on"] is None
    assert _contacts(db)[0][7] == "2026-12-04"
    assert _by_id(run.today())[ids["wang"]]["status"] == "callback"
    # the open request stays on the list until it is closed; the callback comes on its day
    before = _by_id(run.today("2026-12-03"))[ids["wang"]]
    assert [r["kind"] for r in before["reasons"]] == ["request"] and before["status"] == ""
    due = _by_id(run.today("2026-12-04", "--lang", "zh"))[ids["wang"]]
    callback = [r for r in due["reasons"] if r["kind"] == "callback"]
    assert [(r["date"], r["detail"]) for r in callback] == [("2026-12-04", "答应回电：等外汇到了再说")]


def test_call_declined(run: Run, ids: dict[str, int], db: Path) -> None:
    out = run.ok("call", "#" + str(ids["zhao"]), "--outcome", "拒绝", "--date", D, "--lang", "zh")
    assert out == "已记录通话：赵六 · 婉拒\n"
    zhao = _by_id(run.today())[ids["zhao"]]
    assert (zhao["status"], zhao["done"], zhao["do_not_call"]) == ("declined", True, True)


def test_call_off_the_list_has_no_reasons(run: Run, ids: dict[str, int], db: Path) -> None:
    run.ok("client", "add", "--name", "钱七", "--phone", "13600000007")
    run.ok("call", "钱七", "--outcome", "reached", "--date", D)
    assert _contacts(db)[-1][1:3] == ("reached", "")


# --- snooze and dismiss ----------------------------------------------------------------------------------


def test_snooze(run: Run, ids: dict[str, int]) -> None:
    out = run.ok("snooze", "王芳", "--until", "2026-12-03", "--note", "出差", "--date", D, "--lang", "en")
    assert out == "Snoozed: 王芳 comes back on 2026-12-03\n"
    assert ids["wang"] not in _by_id(run.today())
    assert "2 to call · 0 done · 1 snoozed · 1 do not call" in run.ok("today", "--date", D, "--lang", "en")
    assert ids["wang"] not in _by_id(run.today("2026-12-02"))
    assert ids["wang"] in _by_id(run.today("2026-12-03"))
    data = run.json("snooze", "王芳", "--until", "下周一", "--date", D)
    assert (data["client_id"], data["until"], data["on"]) == (ids["wang"], "2026-12-07", D)
    assert run.json("snooze", "王芳", "--clear", "--date", D)["cleared"] == 2
    assert ids["wang"] in _by_id(run.today())


def test_dismiss(run: Run, ids: dict[str, int], db: Path) -> None:
    out = run.ok("dismiss", "张三", "maturity", "--note", "客户说会来", "--date", D, "--lang", "en")
    assert out == "Set aside: 张三's maturity reason (1)\n"
    assert ids["zhang"] not in _by_id(run.today())  # its only reason
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT client_id, kind, ref, note FROM dismissal").fetchall() == [
        (ids["zhang"], "maturity", "deposit:1:2026-12-03", "客户说会来")]
    conn.close()
    data = run.json("dismiss", "李四", "生日", "--date", D)
    assert data["kind"] == "birthday" and [d["ref"] for d in data["dismissed"]] == ["birthday:2026-12-01"]
    assert ids["li"] not in _by_id(run.today())


# --- errors: one line, nothing changed -------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (("call", "张三", "--outcome", "maybe"), "memo: --outcome: Unknown call outcome \"maybe\": use reached, "
                                             "no_answer, callback or declined"),
    (("call", "张三", "--outcome", "callback"), "memo: A callback needs the day to call back (--next)"),
    (("call", "张三", "--outcome", "callback", "--next", "找个时间"), "memo: --next: Can't read the date “找个时间”"),
    (("call", "张三", "--outcome", "callback", "--next", "2026-11-30"),
     "memo: --next: The callback day 2026-11-30 is in the past"),
    (("call", "张三", "--outcome", "reached", "--sold", "-5"), "memo: --sold: Can't read the amount “-5”"),
    (("call", "张三", "--outcome", "reached", "--sold", "很多"), "memo: --sold: Can't read the amount “很多”"),
    (("call", "王五", "--outcome", "reached"), "memo: No client “王五”"),
    (("call", "#99", "--outcome", "reached"), "memo: No client “#99”"),
    (("snooze", "张三", "--until", "2026-12-01"), "memo: --until: Snooze until 2026-12-01: that must be after today"),
    (("snooze", "张三", "--until", "改天"), "memo: --until: Can't read the date “改天”"),
    (("dismiss", "张三", "birthday"), "memo: 张三 has no birthday reason on 2026-12-01"),
    (("dismiss", "张三", "lunch"), "memo: KIND: No reason kind “lunch”"),
])
def test_errors_change_nothing(run: Run, ids: dict[str, int], db: Path, argv: tuple, message: str) -> None:
    before = _tables(db)
    lines = run.fails(*argv, "--date", D, "--lang", "en")
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert _tables(db) == before


def test_ambiguous_client_lists_the_candidates(run: Run, ids: dict[str, int], db: Path) -> None:
    before = _tables(db)
    for argv in (("call", "8000", "--outcome", "reached"), ("snooze", "8000", "--until", "明天"),
                 ("dismiss", "8000", "request")):
        lines = run.fails(*argv, "--date", D, "--lang", "en")
        assert lines[0] == "memo: “8000” matches several clients; say which one:"
        assert len(lines) == 3
        assert any(line.startswith(f"  #{ids['zhang']}  张三") for line in lines[1:])
        assert any(line.startswith(f"  #{ids['zhao']}  赵六") for line in lines[1:])
    assert _tables(db) == before


# --- hostile text ----------------------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text(run: Run, db: Path, tmp_path: Path) -> None:
    run.ok("client", "add", "--name", HOSTILE, "--phone", "13800138000", "--tier", "金卡")
    run.ok("client", "set", "#1", "--call-hours", HOSTILE)
    run.ok("jot", HOSTILE + "\nline2", "--client", "#1", "--due", "2026-11-30", "--date", "2026-11-25")
    outputs = [run.ok("today", "--date", D), run.ok("today", "--date", D, "--lang", "en"),
               run.ok("call", "#1", "--outcome", "reached", "--note", HOSTILE, "--date", D),
               run.ok("today", "--date", D)]
    joined = "".join(outputs)
    assert "红" in joined and "[bold]x[/oops]" in joined  # shown, as text, never as markup
    assert "␛" in joined  # ESC drawn as its control picture
    for text in outputs:
        _assert_clean(text)
    # JSON keeps the exact text, with every control escaped on the way out
    raw = run.ok("today", "--date", D, "--json")
    _assert_clean(raw)
    assert "\\u001b" in raw and "\\u009b" in raw and "\\u007f" in raw
    (row,) = json.loads(raw)
    assert row["name"] == HOSTILE and row["call_hours"] == HOSTILE
    assert "\x1b[31m红" in row["reasons"][0]["text"] and "\nline2" in row["reasons"][0]["text"]
    # files: the csv shows it visibly, the ics drops the controls
    run.ok("today", "--date", D, "--csv", str(tmp_path / "t.csv"), "--ics", str(tmp_path / "t.ics"))
    for name in ("t.csv", "t.ics"):
        _assert_clean((tmp_path / name).read_text(encoding="utf-8-sig").replace("\r", ""))
    assert "[bold]x[/oops]" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")


def test_hostile_reference_in_an_error(run: Run, ids: dict[str, int]) -> None:
    for argv in (("call", HOSTILE, "--outcome", "reached"), ("call", "张三", "--outcome", HOSTILE),
                 ("call", "张三", "--outcome", "callback", "--next", HOSTILE),
                 ("dismiss", "张三", HOSTILE), ("snooze", "张三", "--until", HOSTILE)):
        code, out, err = run(*argv, "--date", D)
        assert code != 0 and out == ""
        _assert_clean(err)


# --- the command stays light -----------------------------------------------------------------------------


def test_today_and_calls_never_import_textual(tmp_path: Path) -> None:
    db = str(tmp_path / "book.db")
    code = (
        "import sys, json\n"
        "from memo.cli import main\n"
        f"db = {db!r}\n"
        "assert main(['client', 'add', '--name', '张三', '--phone', '13800138000', '--db', db]) == 0\n"
        "assert main(['jot', 'x', '--client', '8000', '--due', '2026-11-30', '--db', db]) == 0\n"
        f"assert main(['today', '--db', db, '--date', '{D}', '--csv', {str(tmp_path / 'a.csv')!r},"
        f" '--ics', {str(tmp_path / 'a.ics')!r}]) == 0\n"
        f"assert main(['today', '--db', db, '--date', '{D}', '--json']) == 0\n"
        f"assert main(['call', '张三', '--outcome', 'no_answer', '--db', db, '--date', '{D}']) == 0\n"
        f"assert main(['snooze', '张三', '--until', '明天', '--db', db, '--date', '{D}']) == 0\n"
        f"assert main(['dismiss', '张三', 'request', '--db', db, '--date', '2026-12-02']) == 0\n"
        "print(json.dumps({m: m in sys.modules for m in ['textual', 'rich.console']}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"textual": False, "rich.console": False}


def test_rules_are_a_setting_shown_and_changed_from_the_command_line(run: Run, ids: dict[str, int]) -> None:
    before = {r["client_id"]: r for r in run.today()}
    shown = run.json("rules")
    assert shown["weights"]["request"] == 7 and shown["cadence_days"]["gold"] == 180
    changed = run.json("rules", "--set", "weights.request=17", "--set", "festival_tiers=private")
    assert changed["weights"]["request"] == 17 and changed["festival_tiers"] == ["private"]
    after = {r["client_id"]: r for r in run.today()}
    raised = [cid for cid, r in after.items() if any(x["kind"] == "request" for x in r["reasons"])]
    assert raised and all(after[cid]["score"] == before[cid]["score"] + 10 * sum(
        1 for x in after[cid]["reasons"] if x["kind"] == "request") for cid in raised)
    assert "No such rule" in run.fails("rules", "--set", "weights.nope=3")[0]
    assert "must be a number" in run.fails("rules", "--set", "weights.request=lots")[0]
    assert run.json("rules")["weights"]["request"] == 17  # the refused ones changed nothing
    assert run.json("rules", "--reset")["weights"]["request"] == 7

"""`memo deposit / holding / keydate / dates / calendar` and `client set --lunar-birthday`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sqlalchemy import func
from sqlmodel import select

from memo import cli
from memo.db import open_book
from memo.models import Deposit, Holding, KeyDate


class Run:
    def __init__(self, capsys: pytest.CaptureFixture, db: Path):
        self.capsys, self.db = capsys, db

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = cli.main([*argv, "--db", str(self.db), "--lang", "en"])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str):  # noqa: ANN201
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        assert err == ""
        return json.loads(out)

    def fails(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code != 0
        assert out == ""
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err  # one line on stderr
        assert lines[0].startswith("memo: ")
        return lines[0]

    def count(self, model) -> int:  # noqa: ANN001
        book = open_book(self.db)
        try:
            with book.read() as session:
                return session.exec(select(func.count()).select_from(model)).one()
        finally:
            book.close()


@pytest.fixture
def run(capsys: pytest.CaptureFixture, tmp_path: Path) -> Run:
    r = Run(capsys, tmp_path / "book.db")
    assert r("client", "add", "--name", "张三", "--phone", "13800138000")[0] == 0
    return r


DEPOSIT_KEYS = {"id", "client_id", "amount_fen", "amount", "currency", "start", "term_months", "maturity",
                "maturity_given", "rate", "rollover", "kind", "status", "closed_on", "note", "next_maturity",
                "period", "days_left", "maturity_workday", "call_by", "past_maturity"}


def test_deposit_add(run: Run) -> None:
    data = run.json("deposit", "add", "张三", "--amount", "500000", "--start", "2026-01-31", "--term", "1m",
                    "--rate", "1.45", "--date", "2026-02-01")
    assert set(data) == DEPOSIT_KEYS
    assert data["amount_fen"] == 50_000_000 and data["amount"] == "500000.00"
    assert (data["start"], data["maturity"], data["next_maturity"]) == ("2026-01-31", "2026-02-28", "2026-02-28")
    assert (data["term_months"], data["rate"], data["rollover"], data["kind"]) == (1, "1.45", False, "time")
    assert data["days_left"] == 27 and data["maturity_workday"] is True and data["call_by"] is None


def test_deposit_add_with_maturity_rollover_and_kind(run: Run) -> None:
    data = run.json("deposit", "add", "8000", "--amount", "50万", "--start", "2025-10-01", "--term", "1y",
                    "--maturity", "2026-10-01", "--rollover", "--kind", "cd", "--date", "2026-09-01")
    assert (data["maturity"], data["maturity_given"], data["kind"], data["rollover"]) == ("2026-10-01", True, "cd", True)
    assert data["maturity_workday"] is False and data["call_by"] == "2026-09-30"
    rolled = run.json("deposit", "list", "张三", "--date", "2026-10-02")
    assert rolled[0]["next_maturity"] == "2027-10-01" and rolled[0]["period"] == 2


def test_deposit_add_human_line(run: Run) -> None:
    code, out, err = run("deposit", "add", "张三", "--amount", "1万", "--start", "2026-01-31", "--term", "2m")
    assert code == 0 and err == ""
    assert "Saved deposit #1: ¥10,000.00, matures 2026-03-31" in out


@pytest.mark.parametrize("argv, words", [
    (("--amount", "0", "--start", "2026-01-01", "--term", "1y"), "Can't read the amount “0”"),
    (("--amount", "abc", "--start", "2026-01-01", "--term", "1y"), "amount"),
    (("--amount", "1000", "--start", "2026-01-01"), "term"),
    (("--amount", "1000", "--start", "2026-01-01", "--term", "1 fortnight"), "term"),
    (("--amount", "1000", "--start", "2026/02/30", "--term", "1y"), "2026/02/30"),
    (("--amount", "1000", "--start", "2026-01-01", "--maturity", "2025-01-01"), "before the start"),
    (("--amount", "1000", "--start", "2026-01-01", "--term", "1y", "--kind", "bond"), "bond"),
])
def test_deposit_add_errors_are_one_line_and_change_nothing(run: Run, argv: tuple, words: str) -> None:
    line = run.fails("deposit", "add", "张三", *argv)
    assert words in line
    assert run.count(Deposit) == 0


def test_deposit_of_an_unknown_client(run: Run) -> None:
    assert "No client" in run.fails("deposit", "add", "李四", "--amount", "1000", "--start", "2026-01-01", "--term", "1y")


def test_deposit_close(run: Run) -> None:
    run.json("deposit", "add", "张三", "--amount", "1万", "--start", "2026-01-01", "--term", "6m")
    data = run.json("deposit", "close", "1", "--as", "withdrawn", "--date", "2026-07-01")
    assert (data["status"], data["closed_on"], data["days_left"]) == ("withdrawn", "2026-07-01", None)
    assert "already closed" in run.fails("deposit", "close", "1", "--as", "rolled")
    assert "No deposit #9" in run.fails("deposit", "close", "9", "--as", "rolled")
    run.json("deposit", "add", "张三", "--amount", "1万", "--start", "2026-01-01", "--term", "6m")
    assert "withdrawn or rolled" in run.fails("deposit", "close", "2", "--as", "spent")
    code, out, _ = run("deposit", "close", "2", "--as", "rolled", "--date", "2026-07-01")
    assert code == 0 and "Deposit #2 closed: rolled over" in out


def test_deposit_list(run: Run) -> None:
    run.json("deposit", "add", "张三", "--amount", "1万", "--start", "2026-01-01", "--term", "1y")
    run.json("deposit", "add", "张三", "--amount", "2万", "--start", "2026-01-01", "--term", "3m")
    run.json("deposit", "add", "张三", "--amount", "3万", "--start", "2025-01-01", "--term", "3m")
    run.json("deposit", "close", "3", "--as", "withdrawn", "--date", "2025-04-01")
    data = run.json("deposit", "list", "张三", "--date", "2026-02-01")
    assert [d["id"] for d in data] == [2, 1, 3]
    assert all(set(d) == DEPOSIT_KEYS for d in data)
    code, out, _ = run("deposit", "list", "张三", "--date", "2026-02-01")
    assert code == 0 and len(out.strip().splitlines()) == 3


def test_deposit_edit(run: Run) -> None:
    run.json("deposit", "add", "张三", "--amount", "1万", "--start", "2026-01-31", "--term", "1m")
    data = run.json("deposit", "edit", "1", "--term", "2m", "--rollover", "--note", "转理财")
    assert (data["maturity"], data["rollover"], data["note"]) == ("2026-03-31", True, "转理财")
    assert "rate" in run.fails("deposit", "edit", "1", "--rate", "x")


HOLDING_KEYS = {"id", "client_id", "product", "kind", "purchase_date", "amount_fen", "amount", "purchase_price",
                "expected_yield", "take_profit_pct", "stop_loss_pct", "latest_price", "latest_price_date",
                "status", "alert_told_on", "pnl_pct", "pnl_fen", "line", "value_fen"}


def test_holding_add_and_price(run: Run) -> None:
    data = run.json("holding", "add", "张三", "--product", "稳健理财A", "--amount", "10万", "--price", "1.0000",
                    "--date", "2026-01-05", "--take-profit", "5", "--stop-loss", "3")
    assert set(data) == HOLDING_KEYS
    assert (data["purchase_price"], data["purchase_date"], data["take_profit_pct"], data["line"]) == ("1.0000", "2026-01-05", "5", None)
    priced = run.json("holding", "price", "1", "1.0512", "--date", "2026-03-01")
    assert (priced["latest_price"], priced["latest_price_date"]) == ("1.0512", "2026-03-01")
    assert (priced["pnl_pct"], priced["pnl_fen"], priced["line"]) == ("5.12", 512_000, "take_profit")
    down = run.json("holding", "price", "1", "0.9650", "--date", "2026-03-02")
    assert (down["pnl_pct"], down["line"]) == ("-3.5", "stop_loss")
    code, out, _ = run("holding", "list", "张三")
    assert code == 0 and "stop-loss line crossed" in out


def test_holding_errors(run: Run) -> None:
    assert "price" in run.fails("holding", "add", "张三", "--product", "A", "--amount", "1万", "--price", "0",
                                "--date", "2026-01-05")
    assert "percentage" in run.fails("holding", "add", "张三", "--product", "A", "--amount", "1万", "--price", "1",
                                     "--date", "2026-01-05", "--take-profit", "-5")
    assert run.count(Holding) == 0
    run.json("holding", "add", "张三", "--product", "A", "--amount", "1万", "--price", "1", "--date", "2026-01-05")
    assert "before the purchase" in run.fails("holding", "price", "1", "1.1", "--date", "2026-01-01")
    assert "No holding #7" in run.fails("holding", "price", "7", "1.1")
    sold = run.json("holding", "sell", "1", "--price", "1.2", "--date", "2026-02-01")
    assert sold["status"] == "sold" and sold["latest_price"] == "1.2"
    assert "already sold" in run.fails("holding", "price", "1", "1.3", "--date", "2026-02-02")


def test_keydate_add_solar_and_lunar(run: Run) -> None:
    solar = run.json("keydate", "add", "张三", "--label", "饭店开业", "--date", "2016-05-20")
    assert solar == {"id": 1, "client_id": 1, "label": "饭店开业", "kind": "solar", "month": 5, "day": 20,
                     "leap": False, "year": 2016, "text": "2016-05-20"}
    leap = run.json("keydate", "add", "张三", "--label", "结婚纪念日", "--lunar", "06-01", "--leap")
    assert (leap["kind"], leap["month"], leap["day"], leap["leap"], leap["text"]) == ("lunar", 6, 1, True, "L*06-01")
    words = run.json("keydate", "add", "张三", "--label", "乔迁", "--lunar", "农历八月十五")
    assert words["text"] == "L08-15"
    assert [k["id"] for k in run.json("keydate", "list", "张三")] == [1, 2, 3]  # in calendar order
    edited = run.json("keydate", "edit", "3", "--label", "乔迁之喜")
    assert edited["label"] == "乔迁之喜" and edited["text"] == "L08-15"
    gone = run.json("keydate", "delete", "3")
    assert gone["deleted"] is True and run.count(KeyDate) == 2


def test_keydate_errors(run: Run) -> None:
    assert "--leap goes with a lunar date" in run.fails("keydate", "add", "张三", "--label", "x", "--date", "06-01", "--leap")
    assert "Can't read the date" in run.fails("keydate", "add", "张三", "--label", "x", "--date", "2/30")
    assert "Say what the date is" in run.fails("keydate", "add", "张三", "--label", " ", "--date", "06-01")
    assert "No key date #5" in run.fails("keydate", "delete", "5")
    assert run.count(KeyDate) == 0


def test_dates(run: Run) -> None:
    run("client", "set", "张三", "--birthday", "1966-11-29")
    run.json("deposit", "add", "张三", "--amount", "50万", "--start", "2025-10-01", "--term", "1y")
    run.json("keydate", "add", "张三", "--label", "中秋结婚", "--lunar", "08-15")
    data = run.json("dates", "张三", "--year", "2026")
    assert [(d["kind"], d["date"]) for d in data] == [
        ("key_date", "2026-09-25"), ("maturity", "2026-10-01"), ("birthday", "2026-11-29")]
    assert all({"kind", "date", "label", "age", "round_age", "workday", "call_by"} <= set(d) for d in data)
    key, maturity, birthday = data
    assert (key["label"], key["lunar_label"], key["call_by"]) == ("中秋结婚", "农历八月十五", "2026-09-24")
    assert (maturity["label"], maturity["call_by"], maturity["deposit_id"]) == ("time deposit ¥500,000 matures", "2026-09-30", 1)
    assert (birthday["age"], birthday["round_age"], birthday["label"]) == (60, True, "birthday")
    this_year = run.json("dates", "张三", "--date", "2027-03-01")
    assert [d["date"] for d in this_year] == ["2027-09-15", "2027-11-29"]
    code, out, _ = run("dates", "张三", "--year", "2026")
    assert code == 0 and "call by 2026-09-30" in out
    assert "No client" in run.fails("dates", "nobody")
    for year in ("0", "1800", "99999"):
        assert f"The year {year} is out of range" in run.fails("dates", "张三", "--year", year)
        assert f"The year {year} is out of range" in run.fails("calendar", "--year", year)


def test_client_set_lunar_birthday(run: Run) -> None:
    data = run.json("client", "set", "张三", "--lunar-birthday", "1975-06-01", "--leap")
    assert data["birthday"] == "L*1975-06-01"
    data = run.json("client", "set", "张三", "--lunar-birthday", "08-15")
    assert data["birthday"] == "L08-15"
    [row] = run.json("dates", "张三", "--year", "2026")
    assert (row["kind"], row["date"]) == ("lunar_birthday", "2026-09-25")
    assert "not both" in run.fails("client", "set", "张三", "--birthday", "08-15", "--lunar-birthday", "08-15")
    assert "--leap goes with a lunar date" in run.fails("client", "set", "张三", "--leap")
    assert "birthday" in run.fails("client", "set", "张三", "--lunar-birthday", "13-45")
    assert run.json("show", "张三")["birthday"] == "L08-15"  # unchanged by the failures


def test_calendar(run: Run) -> None:
    data = run.json("calendar", "--year", "2026")
    assert data["year"] == 2026
    festivals = {f["key"]: f["date"] for f in data["festivals"]}
    assert festivals["spring"] == "2026-02-17" and festivals["mid_autumn"] == "2026-09-25"
    assert all({"key", "name", "name_zh", "name_en", "date"} <= set(f) for f in data["festivals"])
    days = {d["date"]: d for d in data["days"]}
    working_weekends = sorted(d for d, info in days.items() if info["workday"])
    assert working_weekends == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert days["2026-10-01"]["workday"] is False and days["2026-10-01"]["source"] == "official"
    assert all({"date", "workday", "name", "source"} <= set(d) for d in data["days"])


def test_calendar_past_the_data_is_computed(run: Run) -> None:
    data = run.json("calendar", "--year", "2040")
    assert data["days"] and {d["source"] for d in data["days"]} == {"computed"}


def test_calendar_overrides(run: Run) -> None:
    [saved] = run.json("calendar", "--set-holiday", "2026-09-30", "--name", "自定义假")
    assert saved == {"date": "2026-09-30", "workday": False, "name": "自定义假", "source": "override"}
    days = {d["date"]: d for d in run.json("calendar", "--year", "2026")["days"]}
    assert days["2026-09-30"]["source"] == "override"
    run.json("deposit", "add", "张三", "--amount", "1万", "--start", "2025-10-01", "--term", "1y")
    assert run.json("deposit", "list", "张三", "--date", "2026-09-01")[0]["call_by"] == "2026-09-29"
    [removed] = run.json("calendar", "--unset", "2026-09-30")
    assert removed["source"] == "weekday"
    assert "has no override" in run.fails("calendar", "--unset", "2026-09-30")
    assert "2026-13-01" in run.fails("calendar", "--set-workday", "2026-13-01")

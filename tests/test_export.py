"""Export: every table as CSV/JSON/xlsx, masked unless --full; a full export loads back into an
empty book as the same book; birthdays and maturities as an .ics calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memo import calls, cli, export, i18n, money, ops
from memo.db import Book, open_book
from memo.models import Campaign, Contact, Invitation

from .conftest import mode as _mode, at

HOSTILE = "[bold red]x[/] \x1b[31m\x1b]0;title\x07 \u202e\u200f 😀 a,b;c\\d\r\ne\"f'"
NOW = dt.datetime(2026, 11, 29, 10, 0)


def build_rich_book(book: Book) -> dict[str, int]:
    """Every table filled through the domain functions, with awkward text and shared phones."""
    ids = {}
    a = ops.add_client(book, "张三", ["13800138000", "037165123456"], honorific="先生", tier="金卡",
                       birthday="1964-02-29", now=at(0))
    ops.edit_client(book, a.id, tags="个体户 退休", profile=HOSTILE, call_hours="9-11点",
                    client_since="2012-05-01", risk="C3", now=at(0))
    b = ops.add_client(book, "王芳", ["13800138000"], honorific="女士", tier="私行",
                       birthday="农历八月十五", now=at(1))  # shares the number with 张三
    c = ops.add_client(book, "李四", ["13912345678"], tier="白金", now=at(2))
    ops.edit_client(book, c.id, birthday="农历闰六月初一", do_not_call=True, now=at(2))
    ids.update(a=a.id, b=b.id, c=c.id)
    ids["open"] = ops.jot(book, "要2万美元现金，13912345678", a.id, due=dt.date(2026, 12, 1), now=at(3)).memo.id
    ids["done"] = ops.jot(book, "兑换新钞", a.id, now=at(3, 10)).memo.id
    ops.resolve_memo(book, ids["done"], "已兑换", now=at(3, 11))
    ids["dropped"] = ops.jot(book, HOSTILE, b.id, kind="fact", now=at(4)).memo.id
    ops.drop_memo(book, ids["dropped"], "不需要", now=at(4, 12))
    ops.jot(book, "理财经理回电", None, kind="callback", now=at(5))
    ops.jot(book, "13700001111 想了解大额存单", "13700001111", now=at(5, 11))  # a stub client
    d1 = money.add_deposit(book, a.id, "50万", "2025-12-20", term="1y", rate="1.45", today=NOW.date())
    money.add_deposit(book, b.id, "1,000,000.50", "2026-01-31", term="1m", rollover=True, note=HOSTILE,
                      today=NOW.date())
    d3 = money.add_deposit(book, c.id, "20万", "2024-03-01", maturity="2026-03-01", currency="USD",
                           today=NOW.date())
    money.close_deposit(book, d3.id, "withdrawn", on="2026-03-02")
    ids["d1"] = d1.id
    h = money.add_holding(book, b.id, "稳健理财A", "30万", "1.0000", "2026-05-01", take_profit="5",
                          stop_loss="3", expected_yield="3.2")
    money.price_holding(book, h.id, "1.0300", on="2026-06-01")
    money.price_holding(book, h.id, "1.0600", on="2026-07-01")
    h2 = money.add_holding(book, c.id, "黄金", "10万", "520.5", "2026-02-01", kind="gold")
    money.sell_holding(book, h2.id, price="560", on="2026-08-01")
    money.add_keydate(book, a.id, "饭店开业", "2019-10-08")
    money.add_keydate(book, b.id, "结婚纪念日", "农历七月初七")
    with book.write() as session:
        camp = Campaign(name="理财沙龙", method="salon", on=dt.date(2026, 12, 5), cost_fen=300000,
                        target_filter='{"tier": ["private"]}', created_at=at(6), updated_at=at(6))
        session.add(camp)
        session.flush()
        session.add(Contact(client_id=a.id, at=at(7, 14), channel="phone", outcome="reached",
                            reasons="maturity birthday", note=HOSTILE, new_info="儿子结婚",
                            opportunity="大额存单", sold_fen=5000000, next_follow_up=dt.date(2026, 12, 10),
                            campaign_id=camp.id, created_at=at(7, 14)))
        session.add(Invitation(campaign_id=camp.id, client_id=b.id, status="accepted", note="带家人",
                               updated_at=at(7)))
    calls.snooze(book, c.id, dt.date(2026, 12, 5), note=HOSTILE, on=NOW.date())
    calls.dismiss(book, b.id, "festival", "festival:spring:2027-02-06", note="已送礼", on=NOW.date())
    ops.put_setting(book, "privacy_default", True)
    return ids


def dump(book: Book) -> dict[str, list[tuple]]:
    data = export.read_tables(book)
    return {name: rows for name, (_, rows) in data.items()}


@pytest.fixture
def rich(book: Book) -> Book:
    build_rich_book(book)
    return book


# --- files, folders, modes -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_makes_a_private_dated_folder(rich: Book, tmp_path: Path, fmt: str) -> None:
    result = export.export_book(rich, tmp_path / "out", fmt, now=NOW)
    assert result.path.name == "memo-export-2026-11-29"
    assert _mode(result.path) == 0o700
    files = sorted(result.path.iterdir())
    assert files and all(_mode(f) == 0o600 for f in files)
    assert set(result.counts) == set(export.TABLES)
    assert result.counts["clients"] == 4 and result.counts["holding_prices"] == 3
    assert result.counts["settings"] == 1
    if fmt == "csv":
        assert {f.name for f in files} == {f"{n}.csv" for n in export.TABLES} | {"manifest.json"}
        raw = (result.path / "clients.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Chinese right
        assert "张三".encode() in raw
    again = export.export_book(rich, tmp_path / "out", fmt, now=NOW)
    assert again.path.name == "memo-export-2026-11-29-2"  # never into an existing folder


def test_xlsx_has_a_sheet_per_table_and_survives_hostile_text(rich: Book, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = export.export_book(rich, tmp_path, "xlsx", full=True, now=NOW)
    wb = load_workbook(result.path / export.XLSX_NAME, read_only=True)
    assert wb.sheetnames == list(export.TABLES)
    rows = list(wb["phones"].values)
    assert rows[0][:3] == ("id", "client_id", "number")
    assert "13800138000" in [r[2] for r in rows[1:]]  # numbers stay text, never 1.38E+10


def test_without_full_phones_are_masked_and_amounts_hidden(rich: Book, tmp_path: Path) -> None:
    result = export.export_book(rich, tmp_path, "json", now=NOW)
    text = (result.path / export.JSON_NAME).read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["full"] is False
    assert "13800138000" not in text and "13912345678" not in text and "037165123456" not in text
    assert "8300831000" not in text  # the reversed number (rev) is masked too
    phones = {p["number"] for p in doc["data"]["phones"]}
    assert "138****8000" in phones and "0371****3456" in phones
    assert {d["amount_fen"] for d in doc["data"]["deposits"]} == {"***"}
    assert {h["amount_fen"] for h in doc["data"]["holdings"]} == {"***"}
    assert doc["data"]["contacts"][0]["sold_fen"] == "***"
    assert doc["data"]["campaigns"][0]["cost_fen"] == "***"
    assert "50000000" not in text and "100000050" not in text
    memo = next(m for m in doc["data"]["memos"] if "美元现金" in m["text"])
    # a number typed into a memo is masked as well, and an amount hidden (memo.text.mask_private)
    assert memo["text"] == "要***美元现金，139****5678"
    # and a masked export can not be loaded as if it were the book
    with _fresh(tmp_path) as empty:
        with pytest.raises(ops.DomainError) as err:
            export.import_book(empty, result.path)
        assert err.value.code == "export.masked"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_without_full_amounts_typed_into_text_are_hidden(book: Book, tmp_path: Path, fmt: str) -> None:
    client = ops.add_client(book, "赵六", ["13800138000"])
    ops.edit_client(book, client.id, profile="他行还有30万，存了500000元，¥12,000.50，3天后到期 2026-12-01")
    ops.jot(book, "理财3.5万到期，回电 0371-65123456", client.id)
    result = export.export_book(book, tmp_path, fmt, now=NOW)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(result.path / export.XLSX_NAME, read_only=True)
        text = "\n".join(str(v) for name in ("clients", "memos") for row in wb[name].values for v in row)
    else:
        text = "\n".join(f.read_text(encoding="utf-8-sig") for f in sorted(result.path.iterdir()))
    assert "他行还有***，存了***元，¥***，3天后到期 2026-12-01" in text
    assert "理财***到期，回电 0371****3456" in text
    for secret in ("30万", "500000", "12,000.50", "3.5万", "65123456"):
        assert secret not in text, secret


def test_full_export_has_exact_values(rich: Book, tmp_path: Path) -> None:
    result = export.export_book(rich, tmp_path, "csv", full=True, now=NOW)
    phones = (result.path / "phones.csv").read_text(encoding="utf-8-sig")
    assert '"13800138000"' in phones and "****" not in phones
    assert ",50000000," in (result.path / "deposits.csv").read_text(encoding="utf-8-sig")


# --- round trips ------------------------------------------------------------------------------------


class _fresh:
    def __init__(self, tmp_path: Path, name: str = "fresh.db"):
        self.path = tmp_path / name

    def __enter__(self) -> Book:
        self.book = open_book(self.path)
        return self.book

    def __exit__(self, *exc: object) -> None:
        self.book.close()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_full_export_loads_into_an_empty_book_as_the_same_book(rich: Book, tmp_path: Path, fmt: str) -> None:
    before = dump(rich)
    assert all(before[name] for name in export.TABLES)  # every table has rows
    result = export.export_book(rich, tmp_path / "out", fmt, full=True, now=NOW)
    source = result.path / export.JSON_NAME if fmt == "json" else result.path
    with _fresh(tmp_path, f"copy-{fmt}.db") as copy:
        counts = export.import_book(copy, source)
        assert counts == {name: len(rows) for name, rows in before.items()}
        after = dump(copy)
        for name in export.TABLES:
            assert after[name] == before[name], name  # row by row, ids included
        # and the loaded book works: the domain layer reads it back
        card = ops.show(copy, ops.resolve_client(copy, "张三"))
        assert card.profile == HOSTILE and {p.number for p in card.phones} == {"13800138000", "037165123456"}
        assert ops.find(copy, "8000")


def test_csv_keeps_null_apart_from_empty_text(book: Book, tmp_path: Path) -> None:
    a = ops.add_client(book, "空", ["13800138000"])
    ops.edit_client(book, a.id, profile="", call_hours="")
    before = dump(book)
    result = export.export_book(book, tmp_path, "csv", full=True, now=NOW)
    with _fresh(tmp_path) as copy:
        export.import_book(copy, result.path)
        assert dump(copy) == before


AWKWARD = ["=1+1", "=cmd|' /C calc'!A0", "#N/A", "@SUM(A1)", "_x0041_", "_x005F_x0041_", "a_x00", "\x00\x1b\x07",
           "\r\n\r", " lead and trail ", "007", "1.38001E+10", "\ufffe\uffff", "\u202e😀", "x" * 40_000]


def test_xlsx_round_trip_keeps_every_text_and_null_apart_from_empty(book: Book, tmp_path: Path) -> None:
    """Formulas, error codes, escapes, controls, CR, numbers-as-text, over-long text: all text,
    all back as typed; a NULL text column stays NULL and an empty one stays empty."""
    for n, text in enumerate(AWKWARD):
        client = ops.add_client(book, f"客户{n}", [f"1380013{n:04d}"], now=at(n))
        ops.edit_client(book, client.id, profile=text, call_hours="", now=at(n))
        ops.jot(book, f"#{n} {text} #", client.id, now=at(n, 5))
    with book.write() as session:  # id_last4 is nullable text: one NULL, one "", one value
        session.connection().exec_driver_sql("UPDATE client SET id_last4 = '' WHERE id = 1")
        session.connection().exec_driver_sql("UPDATE client SET id_last4 = '0012' WHERE id = 2")
    before = dump(book)
    result = export.export_book(book, tmp_path / "out", "xlsx", full=True, now=NOW)
    for source in (result.path, result.path / export.XLSX_NAME):  # the folder, or the workbook
        with _fresh(tmp_path, f"copy-{source.name}.db") as copy:
            export.import_book(copy, source)
            after = dump(copy)
            assert after == before
    assert [r[16] for r in before["clients"][:3]] == ["", "0012", None]


def test_xlsx_cells_are_text_never_formulas(book: Book, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    client = ops.add_client(book, "公式", ["13800138000"])
    ops.edit_client(book, client.id, profile="=HYPERLINK(\"http://e.x\")")
    result = export.export_book(book, tmp_path, "xlsx", full=True, now=NOW)
    wb = load_workbook(result.path / export.XLSX_NAME)  # not read-only: cell types as Excel sees them
    ws = wb["clients"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("profile") + 1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://e.x\")"


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_xlsx_escape_round_trips_and_is_xml_safe(text: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils.escape import unescape

    escaped = export.xlsx_escape(text)
    assert unescape(escaped) == text
    assert not ILLEGAL_CHARACTERS_RE.search(escaped) and "\r" not in escaped
    if "_x" not in text and not ILLEGAL_CHARACTERS_RE.search(text) and "\r" not in text:
        assert escaped == text  # ordinary text is written as itself


def test_xlsx_that_is_not_an_export_loads_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / export.XLSX_NAME).write_bytes(b"PK not a zip")
    (folder / export.MANIFEST).write_text(json.dumps({"format": export.FORMAT_TAG, "full": True,
                                                      "file_format": "xlsx"}), encoding="utf-8")
    with _fresh(tmp_path) as empty:
        for source in (folder, folder / export.XLSX_NAME):
            with pytest.raises(ops.DomainError) as err:
                export.import_book(empty, source)
            assert err.value.code == "export.bad_file"
        assert dump(empty) == {name: [] for name in export.TABLES}


def test_import_refuses_a_book_that_is_not_empty(rich: Book, tmp_path: Path) -> None:
    result = export.export_book(rich, tmp_path, "json", full=True, now=NOW)
    before = dump(rich)
    with pytest.raises(ops.DomainError) as err:
        export.import_book(rich, result.path)
    assert err.value.code == "export.not_empty"
    assert dump(rich) == before


@pytest.mark.parametrize("content", ["not json", '{"format": "other"}', "[1, 2]"])
def test_import_refuses_a_file_that_is_not_an_export(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with _fresh(tmp_path) as empty:
        with pytest.raises(ops.DomainError) as err:
            export.import_book(empty, bad)
        assert err.value.code == "export.bad_file"
        assert dump(empty) == {name: [] for name in export.TABLES}


def test_a_broken_row_loads_nothing(rich: Book, tmp_path: Path) -> None:
    result = export.export_book(rich, tmp_path, "json", full=True, now=NOW)
    path = result.path / export.JSON_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["data"]["memos"][-1]["client_id"] = 999  # a foreign key to nobody
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with _fresh(tmp_path) as empty:
        with pytest.raises(ops.DomainError) as err:
            export.import_book(empty, path)
        assert err.value.code == "export.bad_file"
        assert dump(empty) == {name: [] for name in export.TABLES}  # one transaction


def test_csv_reader_handles_quotes_commas_and_line_breaks() -> None:
    text = '"a","b,c",,"",1\r\n"x""y","p\r\nq\nr",,"",2\r\n'
    rows = list(export._csv_records(text))
    assert rows == [[("a", True), ("b,c", True), ("", False), ("", True), ("1", False)],
                    [('x"y', True), ("p\r\nq\nr", True), ("", False), ("", True), ("2", False)]]


# --- calendar ----------------------------------------------------------------------------------------


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _ics(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_ics_text_escaping_and_folding() -> None:
    assert export.ics_escape("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert export.ics_escape("\x1b[31m\x07red\x00") == "[31mred"  # controls dropped, text kept
    line = "SUMMARY:" + "张" * 60
    folded = export.ics_fold(line)
    assert folded.endswith("\r\n")
    parts = folded[:-2].split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line  # no character split


def test_ics_holds_birthdays_lunar_resolved_and_maturities(book: Book, tmp_path: Path) -> None:
    i18n.set_lang("zh")
    name = 'Hostile, "name"; \\ [b]x[/b]\nnext line'
    a = ops.add_client(book, name, ["13800138000"], birthday="1966-08-15")
    b = ops.add_client(book, "王芳", ["13912345678"], birthday="农历八月十五")
    ops.add_client(book, "无生日", [])
    dep = money.add_deposit(book, a.id, "50万", "2025-12-20", term="1y", today=NOW.date())
    path = tmp_path / "cal" / "dates.ics"
    result = export.export_ics(book, path, 2026, now=dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone.utc))
    assert result.counts == {"events": 3}
    assert _mode(path) == 0o600
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF lines only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8")
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert lines.count("BEGIN:VEVENT") == 3 == lines.count("END:VEVENT")
    assert "DTSTART;VALUE=DATE:20260815" in lines and "DTEND;VALUE=DATE:20260816" in lines
    assert "DTSTART;VALUE=DATE:20260925" in lines  # 农历八月十五 of 2026 (Mid-Autumn)
    assert "DTSTART;VALUE=DATE:20261220" in lines  # the 1y deposit's maturity
    escaped = 'Hostile\\, "name"\\; \\\\ [b]x[/b]\\nnext line'
    assert f"SUMMARY:{escaped} 生日" in lines
    assert f"UID:birthday-{a.id}-20260815@lobby-memo" in lines
    assert f"UID:lunar_birthday-{b.id}-20260925@lobby-memo" in lines
    assert f"UID:maturity-{dep.id}-20261220@lobby-memo" in lines
    assert "500,000" not in text and "13800138000" not in text  # masked without full
    assert "138****8000" in text
    full = export.export_ics(book, tmp_path / "full.ics", 2026, full=True)
    full_text = "".join(_unfold(_ics(full.path)))
    assert "¥500\\,000" in full_text and "13800138000" in full_text
    # the same item keeps its UID from one export to the next
    again = export.export_ics(book, tmp_path / "again.ics", 2026)
    uids = [ln for ln in _unfold(_ics(again.path)) if ln.startswith("UID:")]
    assert uids == [ln for ln in lines if ln.startswith("UID:")]


def test_ics_hostile_text_never_breaks_the_file(book: Book, tmp_path: Path) -> None:
    ops.add_client(book, HOSTILE * 50, ["13800138000"], birthday="03-01")
    path = tmp_path / "h.ics"
    export.export_ics(book, path, 2027)
    lines = _unfold(_ics(path))
    summary = next(ln for ln in lines if ln.startswith("SUMMARY:"))
    assert "\x1b" not in summary and "\x07" not in summary and "\r" not in summary
    assert lines.count("BEGIN:VEVENT") == 1


# --- the command line -----------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_json_and_csv(rich: Book, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(rich.path)
    code, out, err = _run(capsys, "export", "--format", "json", "--out", str(tmp_path / "x"),
                          "--db", db, "--json", "--date", "2026-11-29")
    assert code == 0, err
    data = json.loads(out)
    assert data["format"] == "json" and data["full"] is False and data["tables"]["clients"] == 4
    assert Path(data["path"]).name == "memo-export-2026-11-29"
    code, out, err = _run(capsys, "export", "--out", str(tmp_path / "y"), "--full", "--db", db)
    assert code == 0 and err == ""
    assert "Exported 14 tables" in out and "masked" not in out
    code, out, _ = _run(capsys, "export", "--out", str(tmp_path / "z"), "--db", db)
    assert "Phones are masked" in out


def test_cli_export_ics(rich: Book, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "c.ics"
    code, out, err = _run(capsys, "export", "--ics", str(target), "--year", "2026", "--db", str(rich.path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["path"] == str(target) and data["year"] == 2026 and data["events"] >= 3
    assert _mode(target) == 0o600
    code, out, err = _run(capsys, "export", "--ics", str(target), "--year", "1200", "--db", str(rich.path))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1


def test_cli_export_into_a_file_path_is_one_line_error(book: Book, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = _run(capsys, "export", "--out", str(blocker), "--db", str(book.path))
    assert code == 1 and out == ""
    assert err.startswith("memo: ") and len(err.strip().splitlines()) == 1

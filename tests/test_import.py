"""memo import: encodings, xlsx, header aliases, dates, phones and IDs, merging, dry run, strict."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from memo import cli, i18n
from memo.db import open_book
from memo.importer import FIELDS, plan_import, run_import

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _english():
    i18n.set_lang("en")  # conftest puts the language back after each test


@pytest.fixture
def book(tmp_path: Path):
    b = open_book(tmp_path / "book.db")
    yield b
    b.close()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def q(book, sql: str, **params):  # noqa: ANN001, ANN201
    with book.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


HEAD = ["客户姓名", "手机号码", "证件号码", "生日", "客户等级", "金额", "起息日", "存期", "自动转存"]
ROWS = [
    ["张三", "13800138000", "110101199001011234", "1990-01-01", "金卡", "50万", "2024/1/31", "1年", "是"],
    ["李四", "13900139000", "", "", "", "100000", "20240229", "6个月", "否"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_encoding(book, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "in.csv", [HEAD, *ROWS], encoding)
    report = run_import(book, path, today=TODAY)
    assert (report.created, report.errors) == (2, [])
    names = [r[0] for r in q(book, "SELECT name FROM client ORDER BY id")]
    assert names == ["张三", "李四"]
    dep = q(book, "SELECT amount_fen, start, maturity, rollover, term_months FROM deposit ORDER BY id")
    assert dep[0] == (50_000_000, "2024-01-31", "2025-01-31", 1, 12)
    assert dep[1] == (10_000_000, "2024-02-29", "2024-08-29", 0, 6)
    assert q(book, "SELECT tier, birth_month, birth_day, birth_year FROM client WHERE name = '张三'") == [
        ("gold", 1, 1, 1990)]


def test_xlsx(book, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone", "Start", "Amount", "Term", "Maturity"])
    ws.append(["王五", "13700137000", dt.datetime(2024, 1, 31), 10000, "1y", 45688])  # 45688 = 2025-01-31
    ws.append(["赵六", 13600136000, dt.datetime(2024, 1, 31), 10000, "1y", None])  # a number: mangled
    path = tmp_path / "in.xlsx"
    wb.save(path)
    report = run_import(book, path, today=TODAY)
    assert report.created == 1
    [err] = report.errors
    assert (err.row, err.field, err.code) == (3, "phone", "import.mangled_number")
    assert q(book, "SELECT start, maturity, maturity_given FROM deposit") == [("2024-01-31", "2025-01-31", 1)]


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_alias_maps_to_its_field(tmp_path: Path, field: str) -> None:
    from memo.importer import _columns

    for alias in FIELDS[field]:
        for header in (alias, f"  {alias.upper()} ", alias.replace("_", " ")):
            index, _ = _columns(["x", header])
            assert index == {field: 1}, header


def test_every_alias_group_imports(book, tmp_path: Path) -> None:
    head = ["户名", "联系电话", "身份证号码", "出生日期", "等级", "本金", "开户日", "存期", "到期日",
            "自动转存", "年利率", "产品名称", "币种"]
    row = ["钱七", "+86 135-0013-5000", "11010119900101567X", "1980年2月3日", "私行", "20,000.50",
           "2024年3月1日", "3m", "2024-06-03", "Y", "1.45%", "大额存单", "美元"]
    report = run_import(book, write_csv(tmp_path / "a.csv", [head, row]), today=TODAY)
    assert report.errors == [] and report.created == 1
    assert q(book, "SELECT name, tier, id_last4, birth_year FROM client") == [("钱七", "private", "567X", 1980)]
    assert q(book, "SELECT number FROM phone") == [("13500135000",)]
    assert q(book, "SELECT amount_fen, maturity, rate, currency, kind, note, rollover FROM deposit") == [
        (2_000_050, "2024-06-03", "1.45", "USD", "cd", "大额存单", 1)]
    head2 = ["name", "phone", "lunar_birthday", "tier", "amount", "start", "term", "rollover", "rate",
             "product", "currency"]
    row2 = ["Ann", "13500135001", "八月十五", "gold", "1000", "2024-01-01", "6m", "no", "1.1", "整存整取", "CNY"]
    report = run_import(book, write_csv(tmp_path / "b.csv", [head2, row2]), today=TODAY)
    assert report.errors == [] and report.created == 1
    assert q(book, "SELECT birth_kind, birth_month, birth_day FROM client WHERE name = 'Ann'") == [("lunar", 8, 15)]


@pytest.mark.parametrize("cell", ["2024-01-31", "2024/1/31", "20240131", "2024年1月31日", "45322",
                                  "2024-01-31 00:00:00", "２０２４-０１-３１"])
def test_each_date_form(book, tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path / "d.csv", [["姓名", "金额", "起息日", "存期"], ["张三", "1000", cell, "1m"]])
    report = run_import(book, path, today=TODAY)
    assert report.errors == []
    assert q(book, "SELECT start, maturity FROM deposit") == [("2024-01-31", "2024-02-29")]


@pytest.mark.parametrize("cell", ["2024-02-30", "31/01/2024", "tomorrow", "123456", "1800-01-01"])
def test_bad_dates_are_row_errors(book, tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path / "d.csv", [["姓名", "金额", "起息日", "存期"], ["张三", "1000", cell, "1m"]])
    report = run_import(book, path, today=TODAY)
    assert [(e.row, e.field, e.value) for e in report.errors] == [(2, "start", cell)]
    assert q(book, "SELECT count(*) FROM client") == [(0,)]


@pytest.mark.parametrize("cell", ["1.38001E+10", "1.38001e10", "13800138000.0e0"])
def test_mangled_phone_is_a_row_error(book, tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path / "p.csv", [["手机号码", "姓名"], [cell, "张三"], ["13800138000", "李四"]])
    report = run_import(book, path, today=TODAY)
    [err] = report.errors
    assert (err.row, err.field, err.column, err.value, err.code) == (2, "phone", "手机号码", cell, "import.mangled_number")
    assert report.created == 1


def test_id_kept_as_last_four_only(book, tmp_path: Path) -> None:
    full = "110101199001011234"
    bad = "11010119900101987"  # 17 digits: an error, shown masked
    path = write_csv(tmp_path / "i.csv", [["姓名", "证件号码"], ["张三", full], ["李四", bad],
                                          ["王五", "1.10101E+17"]])
    report = run_import(book, path, today=TODAY)
    assert q(book, "SELECT name, id_last4 FROM client") == [("张三", "1234")]
    assert [(e.code, e.value) for e in report.errors] == [("import.bad_id", "****1987"),
                                                          ("import.mangled_number", "****E+17")]
    assert full not in json.dumps(report.to_json()) and bad not in json.dumps(report.to_json())
    book.close()
    for f in book.path.parent.glob("book.db*"):
        data = f.read_bytes()
        for needle in (full, bad, "199001011234"):
            assert needle.encode() not in data and needle.encode("utf-16-le") not in data


def test_merge_rules(book, tmp_path: Path) -> None:
    from memo import ops

    ops.add_client(book, "张三", ["13800138000"])
    ops.add_client(book, "李四", [])
    with book.write() as s:
        s.execute(text("UPDATE client SET id_last4 = '5678' WHERE name = '李四'"))
    head = ["姓名", "手机号码", "证件号码", "客户等级", "金额", "起息日", "存期"]
    rows = [
        ["张三", "138 0013 8000", "", "金卡", "", "", ""],  # by phone: tier updated
        ["李四", "13900139000", "110101199001015678", "", "", "", ""],  # by name + ID: phone added
        ["张小三", "13800138000", "", "", "", "", ""],  # same number, another name: family member
        ["", "13800138000", "", "", "1000", "2024-01-01", "1y"],  # phone only: first holder
    ]
    report = run_import(book, write_csv(tmp_path / "m.csv", [head, *rows]), today=TODAY)
    assert report.errors == []
    assert [r.action for r in report.rows] == ["update", "update", "create", "create"]
    assert q(book, "SELECT name, tier FROM client ORDER BY id") == [("张三", "gold"), ("李四", "regular"), ("张小三", "regular")]
    assert q(book, "SELECT c.name FROM phone p JOIN client c ON c.id = p.client_id WHERE number = '13900139000'") == [("李四",)]
    assert q(book, "SELECT client_id FROM deposit") == [(1,)]


def test_idempotent(book, tmp_path: Path) -> None:
    rows = [HEAD, *ROWS, ["张三", "13800138000", "", "", "", "30万", "2024-05-01", "3年", "否"],
            ["", "13700137000", "", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "x.csv", rows, "gb18030")
    first = run_import(book, path, today=TODAY)
    assert (first.created, first.updated, first.unchanged, first.errors) == (4, 0, 0, [])
    counts = [q(book, f"SELECT count(*) FROM {t}")[0][0] for t in ("client", "phone", "deposit")]
    second = run_import(book, path, today=TODAY)
    assert (second.created, second.updated, second.unchanged, second.errors) == (0, 0, 4, [])
    assert [q(book, f"SELECT count(*) FROM {t}")[0][0] for t in ("client", "phone", "deposit")] == counts == [3, 3, 3]


def test_dry_run_changes_nothing(book, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [HEAD, *ROWS])
    report = plan_import(book, path, today=TODAY)
    assert report.created == 2 and report.dry_run and not report.applied
    same = run_import(book, path, dry_run=True, today=TODAY)
    assert same.to_json() == report.to_json()
    assert q(book, "SELECT count(*) FROM client") == [(0,)]
    assert q(book, "SELECT count(*) FROM deposit") == [(0,)]


def test_a_dry_run_makes_no_pinyin_keys(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from memo import importer, names

    made = []
    monkeypatch.setattr(names, "name_keys", lambda name: made.append(name) or ("", ""))
    monkeypatch.setattr(importer, "name_keys", names.name_keys)
    path = write_csv(tmp_path / "k.csv", [HEAD, *ROWS])
    assert plan_import(book, path, today=TODAY).created == 2 and made == []  # nothing to store: no keys
    assert run_import(book, path, today=TODAY).created == 2 and sorted(made) == ["张三", "李四"]


def test_strict_is_all_or_nothing(book, tmp_path: Path) -> None:
    bad = [HEAD, *ROWS, ["王五", "12345", "", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "s.csv", bad)
    report = run_import(book, path, strict=True, today=TODAY)
    assert not report.applied and len(report.errors) == 1
    assert q(book, "SELECT count(*) FROM client") == [(0,)]
    loose = run_import(book, path, today=TODAY)
    assert loose.applied and loose.created == 2 and loose.errors[0].row == 4
    assert q(book, "SELECT count(*) FROM client") == [(2,)]
    good = write_csv(tmp_path / "g.csv", [HEAD, *ROWS])
    assert run_import(book, good, strict=True, today=TODAY).applied


def test_deposit_needs_its_parts(book, tmp_path: Path) -> None:
    head = ["姓名", "金额", "起息日", "存期", "到期日"]
    rows = [["张三", "1000", "", "1y", ""], ["李四", "1000", "2024-01-01", "", ""],
            ["", "1000", "2024-01-01", "1y", ""], ["王五", "1000", "2024-01-01", "", "2023-01-01"],
            ["赵六", "-5", "2024-01-01", "1y", ""]]
    report = run_import(book, write_csv(tmp_path / "d.csv", [head, *rows]), today=TODAY)
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "import.missing"), (3, "deposit.need_term"), (4, "import.no_client"),
        (5, "deposit.maturity_before_start"), (6, "money.bad_amount")]
    assert q(book, "SELECT count(*) FROM client") == [(0,)]


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_human_and_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "b.db"
    path = write_csv(tmp_path / "c.csv", [HEAD, *ROWS, ["王五", "1.38001E+10", "", "", "", "", "", "", ""]])
    assert cli.main(["import", str(path), "--db", str(db), "--lang", "zh", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "第 4 行，手机号码「1.38001E+10」" in out and "新增 2 行" in out
    assert cli.main(["import", str(path), "--db", str(db), "--json", "--lang", "en"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["created"], data["updated"], data["unchanged"]) == (2, 0, 0)
    assert data["errors"][0]["row"] == 4 and data["errors"][0]["field"] == "手机号码"
    assert "spreadsheet" in data["errors"][0]["reason"]
    good = write_csv(tmp_path / "g.csv", [HEAD, *ROWS])
    assert cli.main(["import", str(good), "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 2


def test_cli_unreadable_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "b.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("memo: ") and len(err.strip().splitlines()) == 1
    (tmp_path / "h.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "h.csv"), "--db", str(tmp_path / "b.db")]) == 1


def test_importer_does_not_load_textual_or_openpyxl() -> None:
    import subprocess
    import sys

    code = ("import sys, memo.importer, memo.cli_import; "
            "print(any(m.split('.')[0] in ('textual', 'openpyxl') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- hostile cell text ----------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["[bold]x[/bold]", "[link=http://e.x]y[/]", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07",
                     "\x1b]8;;http://e.x\x1b\\l\x1b]8;;\x1b\\", "\u202eevil\u202c", "\u200f名\u200e", "🦊👨‍👩‍👧",
                     "a\x00b", "\x7f\x9b\x85", "{value}", "%s", "=cmd|' /C calc'!A0", "x" * 20_000]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda s: "\x1b" + s),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE, product=HOSTILE, phone=HOSTILE, when=HOSTILE)
def test_hostile_cells(tmp_path: Path, name: str, product: str, phone: str, when: str) -> None:
    import uuid

    path = write_csv(tmp_path / f"{uuid.uuid4().hex}.csv",
                     [["姓名", "产品名称", "手机号码", "起息日", "金额", "存期"], [name, product, phone, when, "1000", "1y"]])
    b = open_book(tmp_path / f"{uuid.uuid4().hex}.db")
    try:
        report = run_import(b, path, today=TODAY)
        json.dumps(report.to_json())
        for e in report.errors:
            assert e.reason
        stored = q(b, "SELECT name FROM client")
        if stored and name.strip():
            assert stored == [(name.strip(),)]
        notes = q(b, "SELECT note FROM deposit")
        if notes:
            assert notes == [(product.strip(),)]
        assert len(report.rows) <= 1
    finally:
        b.close()


# --- one file, many rows: merges inside the file, the bulk path, derived columns ----------------------


def test_a_deposit_repeated_in_the_file_takes_the_later_row(book, tmp_path: Path) -> None:
    head = ["姓名", "手机号码", "金额", "起息日", "存期", "到期日", "年利率", "自动转存", "产品名称"]
    rows = [["张三", "13800138000", "10000", "2024-01-31", "1年", "", "1.45", "否", "整存整取"],
            ["张三", "13800138000", "10000", "2024-01-31", "1年", "2025-02-03", "1.75", "是", "大额存单"]]
    report = run_import(book, write_csv(tmp_path / "r.csv", [head, *rows]), today=TODAY)
    assert report.errors == [] and [r.action for r in report.rows] == ["create", "unchanged"]
    from memo.money import roll_keys

    [dep] = q(book, "SELECT maturity, maturity_given, rate, rollover, note, roll_term, roll_phase, roll_day "
                    "FROM deposit")
    assert dep[:5] == ("2025-02-03", 1, "1.75", 1, "大额存单")
    assert dep[5:] == roll_keys(dt.date(2024, 1, 31), 12, dt.date(2025, 2, 3))
    # a file that contradicts itself is read row by row again: the later row still wins
    run_import(book, tmp_path / "r.csv", today=TODAY)
    assert q(book, "SELECT maturity, maturity_given, rate, rollover, note, roll_term, roll_phase, roll_day "
                   "FROM deposit") == [dep]


def test_a_later_file_updates_clients_and_deposits(book, tmp_path: Path) -> None:
    from memo.money import roll_keys

    head = ["姓名", "手机号码", "客户等级", "生日", "金额", "起息日", "存期", "到期日", "年利率", "自动转存"]
    first = [["张三", "13800138000", "普通", "", "10000", "2024-01-31", "1年", "", "1.45", "否"],
             ["李四", "13900139000", "金卡", "1980-02-03", "20000", "2024-03-01", "6个月", "", "", "是"]]
    run_import(book, write_csv(tmp_path / "a.csv", [head, *first]), today=TODAY,
               now=dt.datetime(2026, 1, 1, 9))
    assert q(book, "SELECT roll_term, roll_phase, roll_day FROM deposit ORDER BY id") == [
        roll_keys(dt.date(2024, 1, 31), 12, dt.date(2025, 1, 31)),
        roll_keys(dt.date(2024, 3, 1), 6, dt.date(2024, 9, 1))]
    later = [["张三", "13800138000", "白金", "农历八月十五", "10000", "2024-01-31", "1年", "2025-02-05", "1.50", "是"],
             ["李四", "13900139000", "钻石", "", "20000", "2024-03-01", "6个月", "", "2.0", ""]]
    report = run_import(book, write_csv(tmp_path / "b.csv", [head, *later]), today=TODAY,
                        now=dt.datetime(2026, 2, 2, 9))
    assert report.errors == [] and (report.updated, report.unchanged) == (2, 0)
    assert q(book, "SELECT name, tier, birth_kind, birth_month, birth_day, updated_at FROM client ORDER BY id") == [
        ("张三", "platinum", "lunar", 8, 15, "2026-02-02 09:00:00.000000"),
        ("李四", "diamond", "solar", 2, 3, "2026-02-02 09:00:00.000000")]
    assert q(book, "SELECT maturity, maturity_given, rate, rollover, roll_term, roll_phase, roll_day, updated_at "
                   "FROM deposit ORDER BY id") == [
        ("2025-02-05", 1, "1.50", 1, *roll_keys(dt.date(2024, 1, 31), 12, dt.date(2025, 2, 5)),
         "2026-02-02 09:00:00.000000"),
        ("2024-09-01", 0, "2.0", 1, *roll_keys(dt.date(2024, 3, 1), 6, dt.date(2024, 9, 1)),
         "2026-02-02 09:00:00.000000")]
    assert run_import(book, tmp_path / "b.csv", today=TODAY).unchanged == 2


def _indexes(book) -> list[tuple]:  # noqa: ANN001
    return sorted(q(book, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))


def test_bulk_path_batches_and_rebuilt_indexes(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above BULK_ROWS the indexes are dropped and made again in the same transaction; rows go
    in INSERT_BATCH at a time: the book is the same as row by row."""
    from memo import importer

    head = ["客户姓名", "手机号码", "证件号码", "生日", "客户等级", "金额", "起息日", "存期", "自动转存", "币种"]
    rows = [[f"客户{i}", f"1380000{i:04d}", f"11010119900101{i:04d}", f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}",
             ["普通", "金卡", "私行"][i % 3], f"{i + 1}万", f"2024-0{1 + i % 9}-2{i % 10}", ["1年", "6个月"][i % 2],
             ["是", "否"][i % 2], ["", "美元"][i % 2]] for i in range(23)]
    path = write_csv(tmp_path / "bulk.csv", [head, *rows])
    before = _indexes(book)
    small = tmp_path / "small.db"
    reference = open_book(small)
    try:
        monkeypatch.setattr(importer, "BULK_ROWS", 1_000_000)  # the reference: indexes kept, one batch
        monkeypatch.setattr(importer, "INSERT_BATCH", 500)
        run_import(reference, path, today=TODAY, now=dt.datetime(2026, 1, 1))
        monkeypatch.setattr(importer, "BULK_ROWS", 5)
        monkeypatch.setattr(importer, "INSERT_BATCH", 4)  # 23 rows: five full batches and a rest
        report = run_import(book, path, today=TODAY, now=dt.datetime(2026, 1, 1))
        assert (report.created, report.errors) == (23, [])
        assert _indexes(book) == before
        for table in ("client", "phone", "deposit"):
            assert q(book, f"SELECT * FROM {table} ORDER BY id") == q(reference, f"SELECT * FROM {table} ORDER BY id")
        assert q(book, "PRAGMA integrity_check") == [("ok",)]
        assert q(book, "SELECT count(*) FROM deposit WHERE currency = 'USD'") == [(11,)]
        again = run_import(book, path, today=TODAY)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 23)
    finally:
        reference.close()


def test_cells_with_a_line_break_are_cleaned(book, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [["姓名", "手机号码", "证件号码"], ["张三", "13800138000\n", "110101199001011234\n"]])
    assert run_import(book, path, today=TODAY).errors == []
    assert q(book, "SELECT number FROM phone") == [("13800138000",)]
    assert q(book, "SELECT id_last4 FROM client") == [("1234",)]


def test_xlsx_numbers_and_flags_are_not_confused(book, tmp_path: Path) -> None:
    """1, 1.0 and True are equal in Python: each cell is still read as what it is."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone", "Amount", "Start", "Term", "Rollover"])
    ws.append(["甲", "13700137001", 1, "2024-01-31", "1y", True])
    ws.append(["乙", "13700137002", True, "2024-01-31", "1y", 1])
    ws.append(["丙", "13700137003", 1.0, "2024-01-31", 12, "否"])
    path = tmp_path / "flags.xlsx"
    wb.save(path)
    report = run_import(book, path, today=TODAY)
    assert [(e.row, e.field, e.value) for e in report.errors] == [(3, "amount", "TRUE")]
    assert q(book, "SELECT c.name, d.amount_fen, d.rollover, d.term_months FROM deposit d "
                   "JOIN client c ON c.id = d.client_id ORDER BY c.id") == [("甲", 100, 1, 12), ("丙", 100, 0, 12)]


# --- the quick readings of the usual cells agree with the full parsers ---------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"\A[0-9]{1,17}(\.[0-9]{1,3})?万?\Z"), st.text(alphabet="0123456789.万,", max_size=12)))
def test_plain_amounts_read_as_parse_amount_reads_them(cell: str) -> None:
    from memo.importer import _RowFault, cell_amount
    from memo.money import parse_amount
    from memo.ops import DomainError

    try:
        expected = parse_amount(cell)
    except DomainError:
        expected = None
    try:
        got = cell_amount(cell)
    except _RowFault:
        got = None
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"\A[0-9]{4}[-/.年][0-9]{1,3}[-/.月][0-9]{1,3}[日号]?\Z"),
                 st.from_regex(r"\A(19|20|21|22|18)[0-9]{6}\Z"), st.text(alphabet="0123456789-/年月日号.", max_size=12)))
def test_plain_birthdays_read_as_parse_birthday_reads_them(cell: str) -> None:
    from memo.birthdays import Birthday, BirthdayError, parse_birthday
    from memo.importer import _RowFault, cell_birthday

    try:
        got = cell_birthday(cell, False, TODAY)
    except _RowFault:
        got = None
    if cell.isdigit():  # bare digits: a full date (19900131) or a serial number, never after today
        from memo.importer import cell_date

        try:
            day = cell_date(cell)
            expected = Birthday("solar", day.month, day.day, day.year) if day <= TODAY else None
        except _RowFault:
            expected = None
    else:
        try:
            expected = parse_birthday(cell, TODAY)
        except BirthdayError:
            expected = None
    assert got == expected, cell


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{15}([0-9]{2}[0-9Xx])?\s?\Z"))
def test_plain_ids_and_phones_read_as_before(cell: str) -> None:
    from memo.importer import cell_id_last4

    assert cell_id_last4(cell) == cell.strip().upper()[-4:]


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)), st.integers(min_value=1, max_value=600))
def test_a_new_deposits_dates_are_those_money_computes(start: dt.date, months: int) -> None:
    from dateutil.relativedelta import relativedelta

    from memo.importer import _deposit_dates
    from memo.money import roll_keys

    maturity = start + relativedelta(months=months)  # the month's last day when it is shorter
    assert _deposit_dates(start, months, None) == (start.isoformat(), maturity.isoformat(),
                                                   *roll_keys(start, months, maturity))


# --- CHECK constraints: rows go in unchecked, then one query holds them to every CHECK ----------------


def test_every_check_of_the_schema_is_read(book) -> None:
    from sqlalchemy import CheckConstraint

    from memo import importer
    from memo.models import Client, Deposit, Phone

    with book.raw() as raw:
        for model in (Client, Phone, Deposit):
            found = importer._check_expressions(raw, model.__tablename__)
            declared = [c for c in model.__table__.constraints if isinstance(c, CheckConstraint)]
            assert found is not None and len(found) == len(declared) > 0, model.__tablename__
    assert importer._check_expressions(sqlite3_memory("CREATE TABLE t (a CHECK (a > 0), b TEXT "
                                                      "CHECK (b IN ('x)', \"y(\")), c)"), "t") == [
        "a > 0", "b IN ('x)', \"y(\")"]
    assert importer._check_expressions(sqlite3_memory("CREATE TABLE t (a -- a note\n CHECK (a > 0))"), "t") is None


def sqlite3_memory(ddl: str):  # noqa: ANN201
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute(ddl)
    return conn


def test_a_row_that_breaks_a_check_fails_the_whole_import(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from memo import importer

    path = write_csv(tmp_path / "c.csv", [HEAD, *ROWS])
    monkeypatch.setattr(importer, "_deposit_kind", lambda product: "bogus")  # a planner gone wrong
    with pytest.raises(sqlite3.IntegrityError, match="deposit"):
        run_import(book, path, today=TODAY)
    assert [q(book, f"SELECT count(*) FROM {t}")[0][0] for t in ("client", "phone", "deposit")] == [0, 0, 0]
    # and the connection checks again afterwards: a bad row written the ordinary way is refused
    with pytest.raises(Exception, match="CHECK"):
        with book.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO client (id, name, tier, birth_leap, profile, do_not_call, call_hours, "
                "name_initials, name_pinyin, created_at, updated_at) "
                "VALUES (99, 'x', 'bogus', 0, '', 0, '', '', '', '2026-01-01', '2026-01-01')")
    monkeypatch.undo()
    assert run_import(book, path, today=TODAY).created == 2


def test_rows_are_checked_one_by_one_when_the_schema_is_unreadable(book, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from memo import importer

    monkeypatch.setattr(importer, "_check_expressions", lambda raw, table: None)
    path = write_csv(tmp_path / "u.csv", [HEAD, *ROWS])
    assert run_import(book, path, today=TODAY).created == 2
    monkeypatch.setattr(importer, "_deposit_kind", lambda product: "bogus")
    with pytest.raises(sqlite3.IntegrityError):
        run_import(book, write_csv(tmp_path / "v.csv", [HEAD, ["王五", "13700137000", "", "", "", "1000",
                                                                "2024-01-01", "1年", ""]]), today=TODAY)


def test_a_small_file_reads_only_the_clients_it_can_merge_into(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planner reads the book's clients on the file's phones or with its names (by the
    indexes), not the whole book; the merge is the same."""
    from memo import importer, ops

    book = open_book(tmp_path / "book.db")
    try:
        for i in range(40):
            ops.add_client(book, f"客户{i}", [f"1390000{i:04d}"])
        same_phone = ops.add_client(book, "王五", ["13811112222"]).id
        seen: list[int] = []
        real = importer._Planner.__init__

        def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            real(self, *args, **kwargs)
            seen.extend(self.clients)

        monkeypatch.setattr(importer._Planner, "__init__", spy)
        path = tmp_path / "two.csv"
        path.write_text("客户姓名,手机号码,客户等级\n王五,13811112222,金卡\n客户7,13700001111,\n", encoding="utf-8")
        report = importer.run_import(book, path)
        assert sorted(seen) == sorted([same_phone, ops.find(book, "客户7")[0].id])  # not the 42 of the book
        assert (report.created, report.updated) == (1, 1)  # 客户7 on another number: a client of their own
        assert ops.show(book, same_phone).tier == "gold"
    finally:
        book.close()

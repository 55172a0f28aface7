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

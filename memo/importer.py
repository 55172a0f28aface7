"""Import clients and deposits from the bank's exports: CSV (any usual encoding) and .xlsx.

Headless: no textual here, and openpyxl is imported only for an .xlsx file.

`plan_import(book, path)` reads the file and says, row by row, what an import would do
(create / update / unchanged / error); `run_import(book, path, dry_run, strict)` does it. The
good rows go in as ONE write transaction; with `strict`, nothing goes in unless every row is
good. Importing the same file twice changes nothing: clients merge by normalized phone, then by
name + ID last four; deposits by (client, start, amount, term).

Privacy: of an ID number only the last four characters are kept, and error values show an ID
masked (****1234). Text from cells is stored exactly as written (after strip), never
interpreted. Phones and IDs must arrive as text: a number (or 1.38001E+10) is a row error.

Speed (100,000 rows in a few seconds, bench/import_rows.py): cells are converted column by
column, each distinct value once (the usual forms of phones, IDs, amounts and birthdays by a
quick exact reading, anything else by the full parsers); pinyin keys, maturities and chain
keys once per distinct name or (start, term, maturity). A client or deposit the file creates
is one dict, the row to store and the record later rows merge into. Every row's client is
planned first, then every row's deposit. The rows go straight to sqlite3, 500 to an INSERT,
the columns every row shares written as literals; above BULK_ROWS new rows the indexes are
dropped and made again inside the transaction. SQLite evaluates a CHECK's `IN (...)` list
expensively row by row, so the new rows are held to every CHECK of the schema by one query per
table before the commit instead (_verify_checks). A big file's rows are written by a child
process as they are planned, on the other core (_ChildWriter): it makes the clients' indexes
while the deposits are planned. The cyclic garbage collector is off meanwhile.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import datetime as dt
import io
import itertools
import json
import marshal
import operator
import os
import queue
import re
import sqlite3
import subprocess
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

from memo.birthdays import Birthday, BirthdayError, parse_birthday
from memo.codes import DomainError
from memo.db import Book
from memo.i18n import t
from memo.names import NAME_KEY_CHARS, name_keys
from memo.phones import PhoneError, normalize_phone
from memo.terms import chain_keys, maturity_for, roll_keys
from memo.values import (  # the full-date patterns: the same dates money fields read
    _DATE, _DATE_COMPACT, MAX_FEN, parse_amount, parse_currency, parse_date, parse_deposit_kind, parse_rate,
    parse_term, parse_tier,
)

__all__ = ["FIELDS", "ImportReport", "RowError", "RowOutcome", "plan_import", "read_table", "run_import"]

# --- headers --------------------------------------------------------------------------------------

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("客户姓名", "姓名", "户名", "客户名称", "name"),
    "phone": ("手机号码", "手机号", "联系电话", "phone"),
    "birthday": ("生日", "出生日期", "birthday"),
    "lunar_birthday": ("农历生日", "lunar_birthday"),
    "tier": ("客户等级", "等级", "tier"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "id_number"),
    "amount": ("金额", "本金", "存款金额", "amount"),
    "start": ("起息日", "开户日", "start"),
    "term": ("存期", "term"),
    "maturity": ("到期日", "maturity"),
    "rollover": ("自动转存", "rollover"),
    "rate": ("年利率", "rate"),
    "product": ("产品名称", "product"),
    "currency": ("币种", "currency"),
}
# the order _Planner.plan_rows unpacks a row's values in (every field of FIELDS, once)
_ROW_FIELDS = ("name", "phone", "id_number", "birthday", "lunar_birthday", "tier", "amount", "start", "term",
               "maturity", "rollover", "rate", "product", "currency")
# the order _Planner._plan_deposits unpacks a usual row's deposit in
_DEPOSIT_FIELDS = ("amount", "start", "term", "maturity", "rate", "rollover", "currency", "product")
_UNIT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")  # 金额(元), 年利率（%）


def _header_key(raw: str) -> str:
    value = unicodedata.normalize("NFKC", str(raw or "")).strip().lstrip("\ufeff")
    value = _UNIT_SUFFIX.sub("", value)
    return re.sub(r"[\s_\-]+", "", value).lower()


_ALIASES = {_header_key(alias): name for name, aliases in FIELDS.items() for alias in aliases}


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the field's canonical name (phone, amount...)
    column: str  # the column's header as written in the file
    value: str  # the cell as read; an ID number masked
    code: str  # a catalog key

    @property
    def reason(self) -> str:
        return t(self.code, value=self.value)


@dataclass(slots=True)
class RowOutcome:
    row: int
    action: str  # create | update | unchanged | error
    name: str = ""
    errors: Sequence[RowError] = ()  # a list when there are any


@dataclass
class ImportReport:
    path: str
    rows: list[RowOutcome]
    dry_run: bool = True
    strict: bool = False
    applied: bool = False  # True once the good rows are in the book
    # (rows counted, {action: rows}, the errors): one pass over 100,000 rows, not one per question
    _tally: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _tallied(self) -> tuple[Counter, list[RowError]]:
        if self._tally is None or self._tally[0] != len(self.rows):
            rows = self.rows
            errors = [e for r in rows if r.errors for e in r.errors]
            self._tally = (len(rows), Counter(map(operator.attrgetter("action"), rows)), errors)
        return self._tally[1], self._tally[2]

    def _count(self, action: str) -> int:
        return self._tallied()[0][action]

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def refused(self) -> int:
        """Rows with an error (one row may have several)."""
        return self._count("error")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def errors(self) -> list[RowError]:
        return list(self._tallied()[1])

    def to_json(self) -> dict:
        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "errors": [{"row": e.row, "field": e.column, "value": e.value, "reason": e.reason}
                       for e in self.errors],
        }


class _RowFault(Exception):
    def __init__(self, code: str, value: str):
        super().__init__(code)
        self.code = code
        self.value = value


# --- reading files ---------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_bytes(data: bytes) -> str:
    """BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise DomainError("import.bad_encoding", "", "file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DomainError("import.bad_encoding", "", "file") from None


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError("import.cannot_read", f"{path}: {exc.strerror}", "file") from None
    text_ = io.StringIO(decode_bytes(data), newline="")
    del data  # the reader has its own copy: the file's bytes and text need not stay for every row
    csv.field_size_limit(1 << 28)
    try:
        yield from csv.reader(text_)
    except csv.Error as exc:
        raise DomainError("import.bad_file", f"{path}: {exc}", "file") from None


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    import zipfile

    import openpyxl  # only now: CSV imports never load it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DomainError("import.bad_file", f"{path}: {exc}", "file") from None
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read_table(path: Path | str) -> Iterator[list[Any]]:
    path = Path(path)
    if not path.is_file():
        raise DomainError("import.cannot_read", str(path), "file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return _csv_rows(path)


# --- cells -----------------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?e[+-]?\d+$", re.IGNORECASE)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_DATE_TIME = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ID = re.compile(r"^[\d*]*[\dX]{4}$")
_YES = {"是", "y", "yes", "true", "1", "自动转存", "转存", "auto", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "不转存", "不自动转存", "", "×"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _cell_text(value: Any) -> str:
    """A cell as text, as a person would read it (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _from_serial(number: float) -> dt.date:
    day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
    if not 1900 <= day.year <= 2200:
        raise ValueError
    return day


def cell_date(value: Any) -> dt.date:
    """2024-01-31, 2024/1/31, 20240131, 2024年1月31日, an Excel serial (45322), a date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _cell_text(value)
    try:
        if _is_number(value):
            return _from_serial(float(value))
        text_ = unicodedata.normalize("NFKC", raw).strip()
        if _SERIAL.match(text_):
            return _from_serial(float(text_))
        if match := _DATE_TIME.match(text_):
            text_ = match.group(1)
        return parse_date(text_, "date")
    except (ValueError, OverflowError, DomainError):
        raise _RowFault("import.bad_date", raw) from None


def _text_only(value: Any, masked: bool = False) -> str:
    """A phone or ID cell: text only; a number is what Excel made of it, never guessed back."""
    raw = _cell_text(value)
    shown = _mask(raw) if masked else raw
    if _is_number(value):
        raise _RowFault("import.mangled_number", shown)
    clean = unicodedata.normalize("NFKC", raw).strip()
    if _SCIENTIFIC.match(clean.replace(" ", "")):
        raise _RowFault("import.mangled_number", shown)
    return clean


def _mask(raw: str) -> str:
    raw = raw.strip()
    return "****" + raw[-4:] if len(raw) > 4 else "****"


_PLAIN_ID = re.compile(r"\d{17}[\dX]|\d{15}", re.ASCII)  # fullmatch: "$" would let a "\n" through


def cell_id_last4(value: Any) -> str:
    if type(value) is str and _PLAIN_ID.fullmatch(value):  # noqa: E721  (the usual case, already clean)
        return value[-4:]
    clean = _text_only(value, masked=True).upper().replace(" ", "")
    if not _ID.match(clean) or len(clean) not in (4, 15, 18) or (len(clean) == 15 and "X" in clean[-4:]):
        raise _RowFault("import.bad_id", _mask(_cell_text(value)))
    return clean[-4:]


_PLAIN_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)


def cell_phone(value: Any) -> str:
    if type(value) is str and _PLAIN_MOBILE.fullmatch(value):  # noqa: E721  (the usual case, already normal)
        return value
    clean = _text_only(value)
    try:
        return normalize_phone(clean)
    except PhoneError as exc:
        raise _RowFault(exc.code, _cell_text(value)) from None


def cell_birthday(value: Any, lunar: bool, today: dt.date) -> Birthday:
    if not lunar and type(value) is str:  # noqa: E721
        # The usual cells, read as the general path below reads them: 1990-01-31, 1990/1/31 and
        # 1990年1月31日 as parse_birthday does; 19900131 as a full date (cell_date), not later than today.
        compact = False
        if (match := _DATE.fullmatch(value)) is None:
            match = _DATE_COMPACT.fullmatch(value)
            compact = True
        if match is not None:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
            try:
                born = dt.date(year, month, day)
            except ValueError:
                raise _RowFault("birthday.bad", value) from None
            if not 1900 <= year <= (2200 if compact else today.year) or (compact and born > today):
                raise _RowFault("birthday.bad", value)
            return Birthday("solar", month, day, year)
    raw = _cell_text(value).strip()
    if lunar:
        folded = unicodedata.normalize("NFKC", raw).strip().lower()
        if not folded.startswith(("农历", "阴历", "lunar", "l")):
            raw = "农历" + raw
        try:
            bday = parse_birthday(raw, today)
        except BirthdayError:
            raise _RowFault("birthday.bad", _cell_text(value)) from None
        if bday is None or bday.kind != "lunar":
            raise _RowFault("birthday.bad", _cell_text(value))
        return bday
    if not isinstance(value, str) or _SERIAL.match(raw) or re.fullmatch(r"\d{8}", raw):
        try:
            day = cell_date(value)
        except _RowFault:
            raise _RowFault("birthday.bad", _cell_text(value)) from None
        if day > today:
            raise _RowFault("birthday.bad", _cell_text(value))
        return Birthday("solar", day.month, day.day, day.year)
    if match := _DATE_TIME.match(raw):
        raw = match.group(1)
    try:
        bday = parse_birthday(raw, today)
    except BirthdayError:
        raise _RowFault("birthday.bad", _cell_text(value)) from None
    if bday is None:
        raise _RowFault("birthday.bad", _cell_text(value))
    return bday


def cell_term(value: Any) -> int:
    raw = _cell_text(value).strip()
    folded = unicodedata.normalize("NFKC", raw).strip()
    try:
        if re.fullmatch(r"\d{1,3}", folded):
            return parse_term(int(folded))  # a bare number is months, as in "存期(月)"
        return parse_term(folded)
    except DomainError:
        raise _RowFault("money.bad_term", raw) from None


def cell_rollover(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = _cell_text(value)
    folded = unicodedata.normalize("NFKC", raw).strip().lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise _RowFault("import.bad_flag", raw)


def _money_fault(call, value: Any):  # noqa: ANN001, ANN202
    raw = _cell_text(value).strip()
    try:
        return call(raw)
    except DomainError as exc:
        raise _RowFault(exc.code, raw) from None


def _keys(name: str) -> tuple[str, str]:
    return name_keys(name[:NAME_KEY_CHARS])


_PLAIN_AMOUNT = re.compile(r"(\d{1,15})(?:\.(\d{1,2}))?(万)?", re.ASCII)


def cell_text(value: Any, today: dt.date | None = None) -> str:  # noqa: ARG001
    return _cell_text(value).strip()


def cell_amount(value: Any, today: dt.date | None = None) -> int:  # noqa: ARG001
    if type(value) is str and (match := _PLAIN_AMOUNT.fullmatch(value)):  # noqa: E721
        # The usual cell (120000, 1234567.89, 30万), as parse_amount reads it.
        whole, cents, wan = match.groups()
        fen = (int(whole) * 100 + int((cents or "").ljust(2, "0"))) * (10_000 if wan else 1)
        if 0 < fen <= MAX_FEN:
            return fen
    return _money_fault(parse_amount, value)


# field -> (cell, today) -> value; raises _RowFault
_CONVERTERS: dict[str, Any] = {
    "name": cell_text,
    "product": cell_text,
    "phone": lambda cell, today: cell_phone(cell),
    "id_number": lambda cell, today: cell_id_last4(cell),
    "birthday": lambda cell, today: cell_birthday(cell, False, today),
    "lunar_birthday": lambda cell, today: cell_birthday(cell, True, today),
    "tier": lambda cell, today: _money_fault(parse_tier, cell),
    "amount": cell_amount,
    "start": lambda cell, today: cell_date(cell),
    "maturity": lambda cell, today: cell_date(cell),
    "term": lambda cell, today: cell_term(cell),
    "rollover": lambda cell, today: cell_rollover(cell),
    "rate": lambda cell, today: _money_fault(parse_rate, cell),
    "currency": lambda cell, today: _money_fault(parse_currency, cell),
}
assert set(_CONVERTERS) == set(FIELDS) == set(_ROW_FIELDS)


_SKIP = object()  # a blank cell
_TEXT_CELLS = {str, type(None)}  # every cell of a CSV; many of an .xlsx


def _convert_cell(f: str, cell: Any, today: dt.date) -> Any:
    """One cell to its field's value; _SKIP for a blank cell, the _RowFault for a bad one."""
    if cell is None or (type(cell) is str and (not cell or cell.isspace())):  # noqa: E721
        return _SKIP
    try:
        return _CONVERTERS[f](cell, today)
    except _RowFault as exc:
        return exc


def _convert_column(f: str, cells: Sequence[Any], today: dt.date) -> tuple[list[Any], bool]:
    """A whole column at once: each distinct cell is converted once, then looked up.

    A bank export repeats its dates, terms, rates, products and currencies thousands of times
    (100,000 rows hold ~2,000 start dates); a phone or a name converts once anyway. Returns the
    values (or _SKIP, or the _RowFault) and whether any cell was bad.
    """
    if set(map(type, cells)) <= _TEXT_CELLS:
        convert = _CONVERTERS[f]
        distinct = set(cells)
        # the usual cells of the busiest columns, read in one pass (as their converters read them)
        if f == "phone":
            memo = {cell: cell for cell in distinct if cell is not None and _PLAIN_MOBILE.fullmatch(cell)}
        elif f == "id_number":
            memo = {cell: cell[-4:] for cell in distinct if cell is not None and _PLAIN_ID.fullmatch(cell)}
        elif f == "name" or f == "product":
            memo = {cell: cell.strip() for cell in distinct if cell and not cell.isspace()}
        else:
            memo = {}
        bad = False
        for cell in distinct.difference(memo) if memo else distinct:
            if cell is None or not cell or cell.isspace():
                memo[cell] = _SKIP
                continue
            try:
                memo[cell] = convert(cell, today)
            except _RowFault as exc:
                memo[cell] = exc
                bad = True
        return list(map(memo.__getitem__, cells)), bad
    # Numbers, dates, booleans (an .xlsx): 1, 1.0 and True are equal keys, so the type is part
    # of the key; a cell that cannot be a key is converted on its own.
    by_cell: dict[Any, Any] = {}
    out: list[Any] = []
    bad = False
    for cell in cells:
        try:
            key = (type(cell), cell)
            value = by_cell.get(key, by_cell)
            if value is by_cell:
                value = by_cell[key] = _convert_cell(f, cell, today)
        except TypeError:
            value = _convert_cell(f, cell, today)
        bad = bad or type(value) is _RowFault  # noqa: E721
        out.append(value)
    return out, bad


# --- planning --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    outcomes: list[RowOutcome] = field(default_factory=list)
    new_clients: list[dict] = field(default_factory=list)  # rows as stored (column -> value)
    new_phones: list[tuple] = field(default_factory=list)  # _PHONE_COLUMNS
    new_deposits: list[dict] = field(default_factory=list)  # rows as stored
    client_updates: dict[int, dict] = field(default_factory=dict)  # id -> {column: Python value}
    deposit_updates: dict[int, dict] = field(default_factory=dict)


# The columns of a new row as the planner sends it to the writer (the writer adds a client's
# pinyin keys, _CLIENT_KEYS, and the constants below).
_CLIENT_COLUMNS = ("id", "name", "id_last4", "tier", "birth_kind", "birth_year", "birth_month", "birth_day",
                   "birth_leap")
_CLIENT_KEYS = ("name_initials", "name_pinyin")
_PHONE_COLUMNS = ("client_id", "number", "rev")
_DEPOSIT_COLUMNS = ("id", "client_id", "amount_fen", "start", "term_months", "maturity", "maturity_given", "rate",
                    "rollover", "currency", "note", "kind", "roll_term", "roll_phase", "roll_day")
# Columns every new row of a table has the same value in: written into the INSERT as literals
# (binding them row by row costs more than the rest of the row). The stamps join them.
_CLIENT_CONSTANTS = {"honorific": None, "risk": None, "client_since": None, "profile": "", "do_not_call": 0,
                     "call_hours": "", "deleted_at": None}
_PHONE_CONSTANTS = {"label": ""}
_DEPOSIT_CONSTANTS = {"status": "active", "closed_on": None}


def _columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, cell in enumerate(header):
        key = _ALIASES.get(_header_key(_cell_text(cell)))
        if key is not None and key not in index:  # the first column of a field wins
            index[key] = i
            names[key] = _cell_text(cell).strip().lstrip("\ufeff")
    return index, names


def _has_content(cells: list[Any]) -> bool:
    """Any cell not blank (the first one, mostly: a quick look)."""
    for cell in cells:
        if cell is None:
            continue
        if type(cell) is not str or (cell and not cell.isspace()):  # noqa: E721
            return True
    return False


def _deposit_kind(product: str) -> str:
    if not product:
        return "time"
    try:
        return parse_deposit_kind(product)
    except DomainError:
        return "cd" if "大额存单" in product or "存单" in product else "time"


def _roll(start: dt.date, term: int | None, maturity: dt.date) -> dict[str, int | None]:
    """The deposit's derived chain keys (memo.money.roll_keys), as columns."""
    return dict(zip(("roll_term", "roll_phase", "roll_day"), roll_keys(start, term, maturity)))


def _deposit_dates(start: dt.date, term: int | None, given: dt.date | None) -> tuple:
    """(start, maturity as stored, roll_term, roll_phase, roll_day) of a new deposit; a file has
    a few thousand distinct (start, term, given maturity), so each is worked out once."""
    if given is None:  # the usual row: a chain anchored at its start
        return (start.isoformat(), maturity_for(start, term).isoformat(), *chain_keys(start, term))
    return (start.isoformat(), given.isoformat(), *roll_keys(start, term, given))


class _Planner:
    """The book as the import sees it (clients, phones, deposits, by their merge keys), and the
    rows to write. A client or deposit this file creates is one dict: the row as it will be
    stored, also the record later rows of the file merge into."""

    def __init__(self, raw: sqlite3.Connection, phones: set[str], names: set[str],
                 writer: _ChildWriter | None = None) -> None:
        """The book's clients a row of the file can merge into (those on one of its phone numbers
        or with one of its names: _find_client looks no further), their phones and deposits,
        read by the indexes; a small file into a big book reads a few rows, not the book.

        With a `writer`, the new rows go to it as planning goes (send()); a row sent and then
        changed by a later row of the file is written again as an update."""
        self.plan = _Plan()
        self.writer: _Writer | _ChildWriter | None = writer
        self.finished: tuple[str, ...] = ()  # the tables the writer was told are complete
        self.sent = [0, 0, 0]  # of plan.new_clients, new_phones, new_deposits
        self.bulk = False  # rows sent before the last ones: the writer rebuilds the indexes
        self.clients: dict[int, dict] = {}
        self.by_phone: dict[str, list[int]] = {}
        self.by_name_id: dict[tuple[str, str | None], list[int]] = {}
        self.deposits: dict[tuple, dict] = {}  # (client, start, amount, term) -> the row as stored
        # Worked out once per distinct value: a file repeats dates and products.
        self.dates: dict[tuple, tuple] = {}
        self.kinds: dict[str, str] = {}
        # inside the caller's transaction: one snapshot (and, writing, the write lock)
        self.next_id = 1 + raw.execute("SELECT coalesce(max(id), 0) FROM client").fetchone()[0]
        self.first_new = self.sent_clients = self.next_id  # clients from sent_clients on are not sent yet
        self.next_deposit = 1 + raw.execute("SELECT coalesce(max(id), 0) FROM deposit").fetchone()[0]
        self.first_new_deposit = self.sent_deposits = self.next_deposit
        if self.next_id == 1:
            return  # a new book: nobody to merge into
        raw.execute("CREATE TEMP TABLE IF NOT EXISTS import_near (id INTEGER PRIMARY KEY)")
        raw.execute("DELETE FROM temp.import_near")
        raw.execute("INSERT OR IGNORE INTO temp.import_near SELECT p.client_id FROM json_each(?) k "
                    "CROSS JOIN phone p INDEXED BY ix_phone_number ON p.number = k.value", (json.dumps(sorted(phones)),))
        raw.execute("INSERT OR IGNORE INTO temp.import_near SELECT c.id FROM json_each(?) k "
                    "CROSS JOIN client c INDEXED BY ix_client_name ON c.name = k.value", (json.dumps(sorted(names)),))
        cur = raw.execute(
            "SELECT c.id, c.name, c.id_last4, c.tier, c.birth_kind, c.birth_year, c.birth_month, c.birth_day, "
            "c.birth_leap FROM temp.import_near n CROSS JOIN client c ON c.id = n.id WHERE c.deleted_at IS NULL")
        keys = [d[0] for d in cur.description]
        for row in cur:
            c = dict(zip(keys, row))
            c["birth_leap"] = bool(c["birth_leap"])
            self.clients[c["id"]] = c
            self.by_name_id.setdefault((c["name"], c["id_last4"]), []).append(c["id"])
        for cid, number in raw.execute("SELECT p.client_id, p.number FROM temp.import_near n "
                                       "CROSS JOIN phone p INDEXED BY ix_phone_client ON p.client_id = n.id"):
            if cid in self.clients:
                self._remember_phone(cid, number)
        cur = raw.execute(
            "SELECT d.id, d.client_id, d.amount_fen, d.start, d.term_months, d.maturity, d.maturity_given, d.rate, "
            "d.rollover, d.currency, d.note FROM temp.import_near n "
            "CROSS JOIN deposit d INDEXED BY ix_deposit_client ON d.client_id = n.id")
        keys = [d[0] for d in cur.description]
        fromiso = dt.date.fromisoformat
        for row in cur:
            d = dict(zip(keys, row))
            self.deposits[(d["client_id"], fromiso(d["start"]), d["amount_fen"], d["term_months"])] = d

    def _remember_phone(self, cid: int, number: str) -> None:
        self.by_phone.setdefault(number, []).append(cid)

    # one row -> values, or errors
    def check(self, row_no: int, values: dict[str, Any], names: dict[str, str]) -> list[RowError] | None:
        """The row's fields together: a deposit needs its client, an amount, a start, a term."""
        get = values.get
        if not (get("name") or get("phone") or get("id_number")):
            if values:
                return [RowError(row_no, "name", names.get("name", "name"), "", "import.no_client")]
            return None
        if "amount" in values and "start" in values:
            if "maturity" not in values:
                if "term" in values:
                    return None  # the usual deposit row
            elif values["maturity"] >= values["start"]:
                return None
        elif "amount" not in values and "start" not in values and "term" not in values and "maturity" not in values:
            return None  # a client row
        errors: list[RowError] = []

        def fault(f: str, code: str, value: str) -> None:
            errors.append(RowError(row_no, f, names.get(f, f), value, code))

        if "amount" not in values:
            fault("amount", "import.missing", names.get("amount", "amount"))
        if "start" not in values:
            fault("start", "import.missing", names.get("start", "start"))
        if "term" not in values and "maturity" not in values:
            fault("term", "deposit.need_term", "")
        if "start" in values and "maturity" in values and values["maturity"] < values["start"]:
            fault("maturity", "deposit.maturity_before_start", values["maturity"].isoformat())
        return errors

    def _find_client(self, v: dict) -> int | None:
        name, phone, last4 = v.get("name", ""), v.get("phone"), v.get("id_number")
        if phone is not None:
            known = self.by_phone.get(phone)
            cands = [c for c in known if c in self.clients] if known else None
            if cands:
                if not name:
                    return cands[0]
                same = [c for c in cands if self.clients[c]["name"] == name]
                if same:
                    exact = [c for c in same if last4 is None or self.clients[c]["id_last4"] in (None, last4)]
                    return (exact or same)[0]
                stubs = [c for c in cands if not self.clients[c]["name"]]
                if stubs:
                    return stubs[0]
                # another name on a known number: a family member, a client of their own
        if name and (last4 is not None or phone is None):
            cands = self.by_name_id.get((name, last4))
            if cands:
                return cands[0]
        return None

    def _new_client(self, name: str, last4: str | None, tier: str, bday: Birthday | None) -> int:
        cid = self.next_id
        self.next_id += 1
        if bday is None:
            kind = year = month = day = None
            leap = 0
        else:
            kind, year, month, day, leap = bday.kind, bday.year, bday.month, bday.day, int(bday.leap)
        c = {  # the columns _CLIENT_CONSTANTS does not give
            "id": cid, "name": name, "id_last4": last4, "tier": tier,
            "birth_kind": kind, "birth_year": year, "birth_month": month, "birth_day": day,
            "birth_leap": leap,
        }
        self.plan.new_clients.append(c)
        self.clients[cid] = c
        self.by_name_id.setdefault((name, last4), []).append(cid)
        return cid

    def _new_deposit(self, cid: int, start: dt.date, fen: int, term: int | None, given: dt.date | None,
                     rate: str | None, rollover: bool | None, currency: str, product: str) -> None:
        dates = self.dates.get((start, term, given))
        if dates is None:
            dates = self.dates[start, term, given] = _deposit_dates(start, term, given)
        start_iso, maturity_iso, roll_term, roll_phase, roll_day = dates
        kind = self.kinds.get(product)
        if kind is None:
            kind = self.kinds[product] = _deposit_kind(product)
        row = {  # the columns _DEPOSIT_CONSTANTS does not give
            "id": self.next_deposit, "client_id": cid, "amount_fen": fen, "start": start_iso, "term_months": term,
            "maturity": maturity_iso, "maturity_given": 0 if given is None else 1,
            "rate": rate, "rollover": 1 if rollover else 0,
            "currency": currency, "note": product, "kind": kind,
            "roll_term": roll_term, "roll_phase": roll_phase, "roll_day": roll_day,
        }
        self.next_deposit += 1
        self.plan.new_deposits.append(row)
        self.deposits[(cid, start, fen, term)] = row

    def plan_rows(self, numbers: list[int], columns: dict[str, list[Any]], bad: set[int],
                  names: dict[str, str]) -> None:
        """Every row, in order: first every row's client (and phone), then every row's deposit,
        so a writer has all the clients early (and makes their indexes while the deposits are
        planned). The usual row (no bad cell, a client the book and the file have not seen yet,
        with or without a whole deposit) is planned straight from its cells; any other goes
        through check(), apply_client() and apply_deposit() with its values as a dict."""
        skip = _SKIP
        absent = itertools.repeat(skip)
        cols = [columns.get(f, absent) for f in _ROW_FIELDS]
        outcomes = self.plan.outcomes
        new_phones = self.plan.new_phones
        by_phone, by_name_id = self.by_phone, self.by_name_id
        new_client = self._new_client
        deposits: list[tuple] = []  # (row's position, its client, its values or None, its outcome)
        send_at = SEND_EVERY if self.writer is not None else -1
        for k, (row_no, name, phone, last4, bday, lunar, tier, fen, start, term, given, rollover, rate,
                product, currency) in enumerate(zip(numbers, *cols)):
            if k == send_at:
                self.send()
                send_at += SEND_EVERY
            if k not in bad and (name is not skip or phone is not skip or last4 is not skip) and (
                    # a whole deposit, or none
                    (fen is not skip and start is not skip and (term is not skip or given is not skip)
                     and (given is skip or given >= start))
                    or (fen is skip and start is skip and term is skip and given is skip)) and (
                    # a client nobody has: _find_client would return None
                    (phone is skip or phone not in by_phone)
                    and not (name is not skip and (last4 is not skip or phone is skip)
                             and (name, None if last4 is skip else last4) in by_name_id)):
                if name is skip:
                    name = ""
                cid = new_client(name, None if last4 is skip else last4, "regular" if tier is skip else tier,
                                 lunar if lunar is not skip else None if bday is skip else bday)
                if phone is not skip:
                    new_phones.append((cid, phone, phone[::-1]))
                    by_phone[phone] = [cid]
                if fen is not skip:
                    deposits.append((k, cid, None, None))
                outcomes.append(RowOutcome(row_no, "create", name))
                continue
            cells = dict(zip(_ROW_FIELDS, (name, phone, last4, bday, lunar, tier, fen, start, term, given, rollover,
                                           rate, product, currency)))
            values = {f: cells[f] for f in columns if cells[f] is not skip}  # in the file's column order
            if k in bad:
                errors = [RowError(row_no, f, names.get(f, f), value.value, value.code)
                          for f, value in values.items() if type(value) is _RowFault]  # noqa: E721
                outcomes.append(RowOutcome(row_no, "error", name if type(name) is str else "", errors))  # noqa: E721
                continue
            errors = self.check(row_no, values, names)
            if errors:
                outcomes.append(RowOutcome(row_no, "error", values.get("name", ""), errors))
                continue
            if not values:
                continue
            cid, action = self.apply_client(values)
            outcome = RowOutcome(row_no, action, values.get("name", ""))
            outcomes.append(outcome)
            if "amount" in values:
                deposits.append((k, cid, values, outcome))
        if self.writer is not None:  # the clients' part is done: the writer finishes it meanwhile
            self.send(last=True, more=sum(values is None for _, _, values, _ in deposits))  # sure to be new
            self._finish(("client", "phone"))
        self._plan_deposits(deposits, {f: columns.get(f) or [skip] * len(numbers) for f in _DEPOSIT_FIELDS})

    def _plan_deposits(self, deposits: list[tuple], columns: dict[str, list[Any]]) -> None:
        skip = _SKIP
        new_deposit = self._new_deposit
        fens, starts, terms, givens, rates, rollovers, currencies, products = (
            columns[f] for f in _DEPOSIT_FIELDS)
        send_at = SEND_EVERY if self.writer is not None else -1
        for n, (k, cid, values, outcome) in enumerate(deposits):
            if n == send_at:
                self.send()
                send_at += SEND_EVERY
            if values is None:  # the usual row: a whole deposit of a new client
                term, given, rate, rollover, currency, product = (
                    terms[k], givens[k], rates[k], rollovers[k], currencies[k], products[k])
                new_deposit(cid, starts[k], fens[k], None if term is skip else term, None if given is skip else given,
                            None if rate is skip else rate, None if rollover is skip else rollover,
                            "CNY" if currency is skip else currency, "" if product is skip else product)
                continue
            created, updated = self.apply_deposit(cid, values)
            if created:
                outcome.action = "create"
            elif updated and outcome.action == "unchanged":
                outcome.action = "update"

    def send(self, last: bool = False, more: int = 0) -> None:
        """The new rows not sent yet to the writer: from BULK_ROWS of them on (the writer then
        rebuilds the indexes at the end instead of growing them row by row), and the `last`
        (`more` rows may come after them)."""
        plan, sent = self.plan, self.sent
        new = len(plan.new_clients) - sent[0] + len(plan.new_deposits) - sent[2]  # (as before: no phones)
        if not (new or len(plan.new_phones) > sent[1]) or not last and new < (SEND_EVERY if self.bulk else BULK_ROWS):
            return
        self.bulk = self.bulk or not last or new + more > BULK_ROWS
        for table, rows, i, columns in (("client", plan.new_clients, 0, _CLIENT_COLUMNS),
                                        ("phone", plan.new_phones, 1, None),
                                        ("deposit", plan.new_deposits, 2, _DEPOSIT_COLUMNS)):
            part = rows[sent[i]:]
            if part:  # clients first: the phones and deposits refer to them
                self.writer.insert(table, part if columns is None else list(map(operator.itemgetter(*columns), part)),
                                   self.bulk)
            sent[i] = len(rows)
        self.sent_clients, self.sent_deposits = self.next_id, self.next_deposit

    def write_rest(self, writer: _Writer | _ChildWriter) -> None:
        """All planned: `writer` is sent the rows not sent yet, then told the tables not finished
        yet are complete, with their updates."""
        self.writer = writer
        self.send(last=True)
        self._finish(tuple(t for t in ("client", "phone", "deposit") if t not in self.finished))

    def _finish(self, tables: tuple[str, ...]) -> None:
        updates = {"client": self.plan.client_updates, "deposit": self.plan.deposit_updates}
        self.writer.finish(tables, {t: _stored(updates[t]) for t in tables if t in updates})
        self.finished += tables

    def apply_client(self, v: dict) -> tuple[int, str]:
        """Plan the client of one good row (and its phone): the client's id, the row's action
        so far."""
        created = updated = False
        cid = self._find_client(v)
        bday = v.get("lunar_birthday") or v.get("birthday")
        if cid is None:
            cid = self._new_client(v.get("name", ""), v.get("id_number"), v.get("tier", "regular"), bday)
            created = True
        else:
            c = self.clients[cid]
            changes: dict[str, Any] = {}
            if v.get("name") and not c["name"]:
                changes["name"] = v["name"]
            if v.get("id_number") and c["id_last4"] != v["id_number"]:
                changes["id_last4"] = v["id_number"]
            if "tier" in v and c["tier"] != v["tier"]:
                changes["tier"] = v["tier"]
            if bday is not None:
                new = {"birth_kind": bday.kind, "birth_year": bday.year, "birth_month": bday.month,
                       "birth_day": bday.day, "birth_leap": bday.leap}
                if any(c[k] != val for k, val in new.items()):
                    changes.update(new)
            if changes:
                if "name" in changes or "id_last4" in changes:
                    key = (c["name"], c["id_last4"])
                    if cid in self.by_name_id.get(key, []):
                        self.by_name_id[key].remove(cid)
                    c.update(changes)
                    self.by_name_id.setdefault((c["name"], c["id_last4"]), []).append(cid)
                else:
                    c.update(changes)
                if cid >= self.first_new:  # made by an earlier row of this file: c is its row
                    c["birth_leap"] = int(bool(c["birth_leap"]))
                    if cid < self.sent_clients:  # and written already
                        self.plan.client_updates.setdefault(cid, {}).update(changes)
                else:
                    self.plan.client_updates.setdefault(cid, {}).update(changes)
                    updated = True
        phone = v.get("phone")
        if phone is not None and cid not in self.by_phone.get(phone, ()):
            self.plan.new_phones.append((cid, phone, phone[::-1]))
            self._remember_phone(cid, phone)
            updated = updated or not created
        return cid, "create" if created else "update" if updated else "unchanged"

    def apply_deposit(self, cid: int, v: dict) -> tuple[bool, bool]:
        """Plan the deposit of one good row with a client: (created, updated)."""
        start, fen, term = v["start"], v["amount"], v.get("term")
        given = v.get("maturity")
        product = v.get("product", "")
        key = (cid, start, fen, term)
        old = self.deposits.get(key)
        if old is None:
            self._new_deposit(cid, start, fen, term, given, v.get("rate"), v.get("rollover"),
                              v.get("currency", "CNY"), product)
            return True, False
        # `old` holds the values as stored (ISO dates, 0/1); changes are Python values
        changes = {}
        if given is not None and (old["maturity"] != given.isoformat() or not old["maturity_given"]):
            changes.update(maturity=given, maturity_given=True, **_roll(start, term, given))
        if "rate" in v and old["rate"] != v["rate"]:
            changes["rate"] = v["rate"]
        if "currency" in v and old["currency"] != v["currency"]:
            changes["currency"] = v["currency"]
        if "product" in v and old["note"] != product:
            changes["note"] = product
        if "rollover" in v and old["rollover"] != v["rollover"]:
            changes["rollover"] = v["rollover"]
        if not changes:
            return False, False
        old.update({k: _sql_value(k, x) for k, x in changes.items()})
        if old["id"] < self.sent_deposits:  # in the book, or written already
            self.plan.deposit_updates.setdefault(old["id"], {}).update(changes)
        # else a deposit made by an earlier row of this file: `old` is its row
        return False, old["id"] < self.first_new_deposit


@dataclass
class _Table:
    """A file read and converted, column by column."""
    numbers: list[int]  # each row's number in the file
    columns: dict[str, list[Any]]  # field -> each row's value (or _SKIP, or its _RowFault)
    bad: set[int]  # positions of the rows with a bad cell
    names: dict[str, str]  # field -> its column's header as written


def _read(path: Path, today: dt.date, on_names: Callable[[list[str]], None] | None = None) -> _Table:
    """The file read and converted; `on_names` is given the file's names as soon as they are
    read (the names column first)."""
    rows = iter(read_table(path))
    header: list[Any] | None = None
    row_no = 0
    for cells in rows:
        row_no += 1
        if _has_content(cells):
            header = cells
            break
    if header is None:
        raise DomainError("import.empty", str(path), "file")
    index, names = _columns(header)
    if not index:
        raise DomainError("import.no_columns", str(path), "file")
    width = max(index.values()) + 1
    numbers: list[int] = []
    body: list[list[Any]] = []
    for cells in rows:
        row_no += 1
        if _has_content(cells):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            numbers.append(row_no)
            body.append(cells)
    # Column by column: a repeated value (a date, a term, a rate) is converted once per file.
    columns: dict[str, list[Any]] = {}
    bad: set[int] = set()
    by_index = list(zip(*body)) if body else [() for _ in range(width)]  # columns (every row has >= width cells)
    del body
    for f in sorted(index, key=lambda f: f != "name"):
        values, has_bad = _convert_column(f, by_index[index[f]], today)
        if has_bad:
            bad.update(k for k, value in enumerate(values) if type(value) is _RowFault)  # noqa: E721
        columns[f] = values
        if f == "name" and on_names is not None:
            on_names(sorted(_texts(values)))
    return _Table(numbers, {f: columns[f] for f in index}, bad, names)  # in the file's column order


def _texts(values: Sequence[Any]) -> set[str]:
    """A column's distinct values that are text (no blank, no bad cell)."""
    return {v for v in values if type(v) is str and v}  # noqa: E721


def _plan(raw: sqlite3.Connection, table: _Table, writer: _ChildWriter | None = None) -> _Planner:
    """What the file would do to the book (planner.plan); a `writer` is sent the rows as they
    are planned, all but the last (planner.write_rest())."""
    planner = _Planner(raw, *(_texts(table.columns.get(f, ())) for f in ("phone", "name")), writer)
    planner.plan_rows(table.numbers, table.columns, table.bad, table.names)
    return planner


_DATES = {"start", "maturity", "client_since", "closed_on"}
_STAMPS = {"created_at", "updated_at", "deleted_at"}
_BOOLS = {"birth_leap", "do_not_call", "maturity_given", "rollover"}


def _sql_value(key: str, value: Any) -> Any:
    """A value as SQLAlchemy's SQLite types store it (the rows skip its per-row processing)."""
    if value is None:
        return None
    if key in _DATES:
        return value.isoformat()
    if key in _STAMPS:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if key in _BOOLS:
        return int(bool(value))
    return value


def _literal(value: None | int | str) -> str:
    if value is None:
        return "NULL"
    if type(value) is int:  # noqa: E721
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


INSERT_BATCH = 500  # rows per INSERT statement


def _insert_many(raw, table: str, keys: tuple[str, ...], rows: list, constants: dict) -> None:  # noqa: ANN001
    """Rows straight to the driver, INSERT_BATCH rows per statement (`VALUES (...), (...)`), a
    statement's parameters made as it comes (no second copy of 100,000 rows); `constants` (the
    same in every row) are literals of the statement. A row is a tuple in the order of `keys`,
    or a dict with those keys."""
    if not rows:
        return
    cols = ", ".join(f'"{k}"' for k in (*keys, *constants))
    one = "(" + ", ".join(["?"] * len(keys) + [_literal(x) for x in constants.values()]) + ")"
    head = f'INSERT INTO "{table}" ({cols}) VALUES '
    try:
        most = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # older Pythons: the smallest limit SQLite ever had
        most = 999
    per = max(1, min(INSERT_BATCH, most // max(1, len(keys))))
    flat = itertools.chain.from_iterable
    if isinstance(rows[0], dict):
        getter = operator.itemgetter(*keys)

        def params(part: list) -> tuple:
            return tuple(flat(map(getter, part)))
    else:
        def params(part: list) -> tuple:
            return tuple(flat(part))
    full = len(rows) - len(rows) % per
    if full:
        raw.executemany(head + ", ".join([one] * per), (params(rows[k:k + per]) for k in range(0, full, per)))
    if full < len(rows):
        rest = rows[full:]
        raw.execute(head + ", ".join([one] * len(rest)), params(rest))


def _update_many(raw, table: str, updates: dict[int, dict], stamp: str) -> None:  # noqa: ANN001
    """UPDATE ... WHERE id = ?, one prepared statement per set of changed columns (as stored)."""
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for row_id, changes in updates.items():
        keys = tuple(sorted(changes))
        groups.setdefault(keys, []).append((*(changes[k] for k in keys), stamp, row_id))
    for keys, params in groups.items():
        sets = ", ".join(f'"{k}" = ?' for k in (*keys, "updated_at"))
        raw.executemany(f'UPDATE "{table}" SET {sets} WHERE id = ?', params)


def _check_expressions(raw, table: str) -> list[str] | None:  # noqa: ANN001
    """The expressions of `table`'s CHECK constraints, as its CREATE TABLE states them; None
    when that text can't be read with confidence."""
    row = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if row is None or not row[0]:
        return None
    sql, out, i, n = row[0], [], 0, len(row[0])

    def skip_quoted(at: int) -> int:  # the index after the quoted text starting at `at`
        close = {"'": "'", '"': '"', "`": "`", "[": "]"}[sql[at]]
        j = at + 1
        while True:
            j = sql.find(close, j)
            if j < 0:
                raise ValueError("an unclosed quote")
            if close != "]" and sql.startswith(close, j + 1):
                j += 2  # a doubled quote inside
                continue
            return j + 1

    try:
        while i < n:
            ch = sql[i]
            if ch in "'\"`[":
                i = skip_quoted(i)
            elif sql.startswith("--", i) or sql.startswith("/*", i):
                return None  # comments: not what SQLAlchemy writes; don't guess
            elif (sql[i:i + 5].upper() == "CHECK" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_"))
                  and sql[i + 5:].lstrip().startswith("(")):
                j = sql.index("(", i + 5) + 1
                depth, start = 1, j
                while depth:
                    c = sql[j]
                    if c in "'\"`[":
                        j = skip_quoted(j)
                        continue
                    depth += {"(": 1, ")": -1}.get(c, 0)
                    j += 1
                out.append(sql[start:j - 1])
                i = j
            else:
                i += 1
    except (ValueError, IndexError):
        return None
    return out


def _verify_checks(raw, table: str, expressions: list[str], after: int) -> None:  # noqa: ANN001
    """Every row of `table` past rowid `after` passes every CHECK (a CHECK fails on false only,
    not on NULL), or sqlite3.IntegrityError as the INSERT itself would raise."""
    if not expressions:
        return
    broken = " OR ".join(f"NOT ({e})" for e in expressions)
    if raw.execute(f'SELECT 1 FROM "{table}" WHERE rowid > ? AND ({broken}) LIMIT 1', (after,)).fetchone():
        failed = next(e for e in expressions if raw.execute(
            f'SELECT 1 FROM "{table}" WHERE rowid > ? AND NOT ({e}) LIMIT 1', (after,)).fetchone())
        raise sqlite3.IntegrityError(f"CHECK constraint failed: {table} ({failed})")


BULK_ROWS = 20_000  # above this many new rows, indexes are rebuilt once instead of grown row by row
SEND_EVERY = 10_000  # rows planned between two sends to the writer, once sending has begun


class _Writer:
    """A plan's rows into the book, on `raw` inside its write transaction: the same steps here
    and in the child process (_serve). Rows come as tuples of _CLIENT_COLUMNS / _PHONE_COLUMNS /
    _DEPOSIT_COLUMNS; a client's pinyin keys are made here, once per name."""

    def __init__(self, raw: sqlite3.Connection, stamp: str) -> None:
        self.raw = raw
        self.stamp = stamp
        self.keys: dict[str, tuple[str, str]] = {"": ("", "")}
        self.begun = False
        self.finished: set[str] = set()  # tables every new row of which is in (and checked)
        self.indexes: list[tuple[str, str, str]] = []  # (name, table, sql) dropped, to make again
        self.checks: dict[str, list[str]] = {}
        self.last: dict[str, int] = {}  # table -> its last rowid before the import

    def learn(self, names: list[str]) -> None:
        """Make the keys of names to come (the child does while the parent plans)."""
        keys = self.keys
        for name in names:
            if name not in keys:
                keys[name] = _keys(name)

    def _key(self, name: str) -> tuple[str, str]:
        keys = self.keys.get(name)
        if keys is None:
            keys = self.keys[name] = _keys(name)
        return keys

    def _begin(self, bulk: bool) -> None:
        """Before the first row: with `bulk`, the indexes of the tables rows may still go into
        are dropped (made again as each table is finished)."""
        raw = self.raw
        self.begun = True
        if bulk:
            # Same transaction: a reader sees the old book with its indexes, or the new one with them.
            self.indexes = [index for index in raw.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('client', 'phone', 'deposit')") if index[1] not in self.finished]
            for name, _, _ in self.indexes:
                raw.execute(f'DROP INDEX "{name}"')
        # SQLite rebuilds the lookup table of a CHECK's `IN (...)` list for every row it inserts
        # (a seventh of the whole import); a SELECT builds it once. So the rows go in unchecked
        # and one query per table then holds the new rows to every CHECK of the schema, in the
        # same transaction: a row that breaks one fails the import as the INSERT would have. A
        # schema this code can't read is checked by SQLite, row by row.
        checks = {table: _check_expressions(raw, table) for table in ("client", "phone", "deposit")}
        if None not in checks.values():
            self.checks = checks
            self.last = {table: raw.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0]
                         for table in checks}
            self._checked(False)

    def _checked(self, checked: bool) -> None:
        """SQLite's own CHECKs on (updates) or off (the inserts, held to them by _verify_checks)."""
        if self.checks:
            self.raw.execute(f"PRAGMA ignore_check_constraints = {'OFF' if checked else 'ON'}")

    def insert(self, table: str, rows: list[tuple], bulk: bool) -> None:
        if not self.begun:
            self._begin(bulk)
        stamps = {"created_at": self.stamp, "updated_at": self.stamp}
        if table == "client":
            key = self._key
            rows = [(*row, *key(row[1])) for row in rows]
            _insert_many(self.raw, table, _CLIENT_COLUMNS + _CLIENT_KEYS, rows, {**_CLIENT_CONSTANTS, **stamps})
        elif table == "phone":
            _insert_many(self.raw, table, _PHONE_COLUMNS, rows, {**_PHONE_CONSTANTS, "created_at": self.stamp})
        else:
            _insert_many(self.raw, table, _DEPOSIT_COLUMNS, rows, {**_DEPOSIT_CONSTANTS, **stamps})

    def finish(self, tables: Sequence[str], updates: dict[str, dict[int, dict]]) -> None:
        """Every new row of `tables` is in: their checks, their indexes, then their `updates`
        (table -> id -> changes, as stored), which SQLite checks itself."""
        raw = self.raw
        self.finished.update(tables)
        for table in tables:
            if table in self.checks:
                _verify_checks(raw, table, self.checks[table], self.last[table])
        for _, table, sql in self.indexes:
            if table in tables:
                raw.execute(sql)
        for changes in updates.get("client", {}).values():
            if "name" in changes:
                changes["name_initials"], changes["name_pinyin"] = self._key(changes["name"])
        if any(updates.values()):
            self._checked(True)
            for table, changes in updates.items():
                _update_many(raw, table, changes, self.stamp)
            self._checked(False)

    def commit_ready(self) -> None:
        """Every table finished (the commit comes next): SQLite's own CHECKs back on for this
        connection."""
        assert self.finished >= {table for _, table, _ in self.indexes}, "an index dropped and not made again"
        self._checked(True)


def _stored(updates: dict[int, dict]) -> dict[int, dict]:
    return {row_id: {k: _sql_value(k, v) for k, v in changes.items()} for row_id, changes in updates.items()}


# --- a big file: the writer in a child process --------------------------------------------------------
#
# Planning is Python, one row at a time; writing is mostly SQLite's (inserting, making the indexes
# again, committing), but the inserts' parameters need the GIL, so a thread does not help. A child
# process does: it holds the write transaction and writes the rows as the parent plans them, on
# the other core. The parent plans on a read snapshot it takes while the child holds the write
# lock (no commit can come between). Messages are marshal'd tuples over the child's stdin
# (the same interpreter reads them); the child answers on its stdout. If the parent goes away
# (or stops sending) before "commit", the child's transaction rolls back: nothing half-written.

CHILD_ROWS = 20_000  # from this many rows in the file, the writer is a child process
PIPE_BYTES = 1 << 20  # the pipe to the child, where the system lets it be set (Linux)


class _ChildFailed(Exception):
    """The child could not do its part (gone, or not answering): the parent writes instead."""


def _child_command() -> list[str]:
    """This Python, isolated (no site, no environment: nothing but _serve can write to its
    stdout, the answers), with this process's import path, this memo first."""
    path = [str(Path(__file__).resolve().parent.parent), *(p for p in sys.path if p)]
    return [sys.executable, "-I", "-S", "-c",
            f"import sys; sys.path[:0] = {path!r}; from memo.importer import _serve; _serve()"]


class _ChildWriter:
    """A _Writer in a child process: the same calls, sent through a pipe by a thread of this one
    (a full pipe then waits there, not in the planning). The child has a session of its own: a
    ^C goes to this process, which then stops the child (close())."""

    def __init__(self, book: Book, stamp: str) -> None:
        self.proc = subprocess.Popen(  # OSError: no child; the caller writes here instead
            _child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            **({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else
               {"start_new_session": True}))
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.failed = False  # the pipe broke: the child is gone
        self.finished = False  # the child has committed
        try:
            if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
                with contextlib.suppress(OSError):  # a message or so fits: sending rarely waits
                    fcntl.fcntl(self.proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            self.sender = threading.Thread(target=self._send_all, name="memo-import-send", daemon=True)
            self.sender.start()
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise
        self._send(("begin", str(book.path), stamp))

    def _send_all(self) -> None:
        pipe = self.proc.stdin
        try:
            while (data := self.outbox.get()) is not None:
                pipe.write(data)
                pipe.flush()
        except BaseException:  # the child went away (a broken pipe), or worse: stop sending
            self.failed = True
        finally:
            with contextlib.suppress(OSError):
                pipe.close()

    def _send(self, message: tuple) -> None:
        if self.failed:
            raise _ChildFailed("the child is gone")
        data = marshal.dumps(message)
        self.outbox.put(len(data).to_bytes(8, "little") + data)

    def _answer(self) -> tuple:
        try:
            answer = marshal.load(self.proc.stdout)
        except (EOFError, ValueError, TypeError):
            answer = None
        if not (type(answer) is tuple and answer and answer[0] in ("ready", "done", "error")):  # noqa: E721
            raise _ChildFailed(f"the child ended ({self.proc.wait()})")
        if answer[0] == "error":  # the child's sqlite3 error, raised here as it would have been
            kind = getattr(sqlite3, str(answer[1]), None)
            if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
                kind = sqlite3.DatabaseError
            raise kind(*answer[2:3])
        return answer

    def ready(self) -> None:
        """Wait until the child holds the write lock."""
        self._answer()

    def learn(self, names: list[str]) -> None:
        self._send(("learn", names))

    def insert(self, table: str, rows: list[tuple], bulk: bool) -> None:
        self._send(("insert", table, rows, bulk))

    def finish(self, tables: Sequence[str], updates: dict[str, dict[int, dict]]) -> None:
        self._send(("finish", tables, updates))

    def commit(self) -> None:
        """Everything sent: the child commits, and answers (done())."""
        self._send(("commit",))
        self.outbox.put(None)

    def done(self) -> None:
        self._answer()
        self.finished = True

    def close(self) -> None:
        """The child's end: after its "done", it has exited; otherwise it is stopped, and its
        transaction rolls back (SQLite's promise for a killed process: nothing half-written)."""
        self.outbox.put(None)
        if self.proc.poll() is None and not self.finished:
            self.proc.kill()
        self.proc.wait()
        self.sender.join()
        self.proc.stdout.close()


def _receive(inbox: io.BufferedReader) -> tuple:
    """One message of _ChildWriter._send: its length, then its marshal'd bytes, read whole
    (marshal.load would read a file value by value)."""
    head = inbox.read(8)
    if len(head) < 8:
        raise EOFError
    size = int.from_bytes(head, "little")
    data = inbox.read(size)
    if len(data) < size:
        raise EOFError
    return marshal.loads(data)


def _serve() -> None:
    """The child of _ChildWriter: one write transaction, as the parent's messages say."""
    from memo.db import _immediate

    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(1), "wb")  # the answers' own descriptor: a print goes to stderr
    os.dup2(2, 1)

    def answer(message: tuple) -> None:
        marshal.dump(message, outbox)
        outbox.flush()

    gc.disable()  # the rows are tuples of strings and numbers: no cycles
    try:
        _, path, stamp = _receive(inbox)
        with _immediate(Path(path)) as raw:
            answer(("ready",))
            writer = _Writer(raw, stamp)
            while True:
                message = _receive(inbox)  # EOFError: the parent is gone; all rolls back
                if message[0] == "learn":
                    writer.learn(message[1])
                elif message[0] == "insert":
                    writer.insert(*message[1:])
                elif message[0] == "finish":
                    writer.finish(*message[1:])
                else:
                    writer.commit_ready()
                    break
    except sqlite3.Error as exc:
        answer(("error", type(exc).__name__, str(exc)))
        raise SystemExit(1) from None
    except EOFError:  # the parent stopped before "commit": rolled back
        raise SystemExit(1) from None
    answer(("done",))


def plan_import(book: Book, path: Path | str, today: dt.date | None = None) -> ImportReport:
    """What an import of `path` would do, row by row; the book is not changed."""
    return run_import(book, path, dry_run=True, today=today)


def run_import(book: Book, path: Path | str, dry_run: bool = False, strict: bool = False,
               today: dt.date | None = None, now: dt.datetime | None = None) -> ImportReport:
    now = (now or dt.datetime.now()).replace(microsecond=0)
    today = today or now.date()
    path = Path(path)
    # 100,000 rows make a few hundred thousand small objects that live to the end: the cyclic
    # collector would walk them again and again (quadratic); there are no cycles to find here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(book, path, dry_run, strict, today, now)
    finally:
        if was_enabled:
            gc.enable()


CHILD_BYTES = 1 << 20  # a file this big may have CHILD_ROWS rows: its child starts as it is read


def _can_have_child(book: Book) -> bool:
    """A Python to start (not a frozen app's), and a book in WAL mode: the parent reads while the
    child writes (a rollback journal would make the child wait on the parent's read lock)."""
    if not sys.executable or getattr(sys, "frozen", False):
        return False
    with book.raw() as raw:
        return raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _run(book: Book, path: Path, dry_run: bool, strict: bool, today: dt.date, now: dt.datetime) -> ImportReport:
    if dry_run:
        table = _read(path, today)
        with book.raw() as raw:
            plan = _plan(raw, table).plan
        return ImportReport(str(path), plan.outcomes, dry_run=True, strict=strict, applied=False)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    book.same_file()
    child = None
    if path.is_file() and path.stat().st_size >= CHILD_BYTES and _can_have_child(book):
        try:
            child = _ChildWriter(book, stamp)
        except OSError:
            pass  # no child: written here
    table = None
    if child is not None:
        try:
            done = _import_in_child(book, child, path, strict, today)
        except _ChildFailed:
            done = None  # the child's transaction rolled back: written here
        finally:
            child.close()
        if isinstance(done, ImportReport):
            return done
        table = done
    if table is None:
        table = _read(path, today)
    with book.raw_write() as raw:
        planner = _plan(raw, table)
        report = ImportReport(str(path), planner.plan.outcomes, dry_run=False, strict=strict)
        if not (strict and report.refused):
            writer = _Writer(raw, stamp)
            planner.write_rest(writer)
            writer.commit_ready()
            report.applied = True
    return report


def _import_in_child(book: Book, child: _ChildWriter, path: Path, strict: bool,
                     today: dt.date) -> ImportReport | _Table:
    """The import with `child` writing; the file read, if it has too few rows for a child."""
    table = _read(path, today, on_names=child.learn)  # their keys are made while this one reads on
    if len(table.numbers) < CHILD_ROWS:
        return table
    child.ready()
    with book.snapshot() as raw:  # begun after the child's write lock: the book it writes to
        planner = _plan(raw, table, child)
    report = ImportReport(str(path), planner.plan.outcomes, dry_run=False, strict=strict)
    if strict and report.refused:
        return report  # the child is stopped: nothing written stays
    planner.write_rest(child)
    book.committing()  # the commit hooks, on both sides of a commit that takes a while here
    child.commit()
    del table, planner  # freed here (a million objects) while the child makes the indexes
    try:
        child.done()
    finally:
        book.committing()
    report.applied = True
    return report

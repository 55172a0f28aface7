"""Import clients and deposits from the bank's exports: CSV (any usual encoding) and .xlsx.

Headless: no textual here, and openpyxl is imported only for an .xlsx file.

`plan_import(book, path)` reads the file and says, row by row, what an import would do
(create / update / unchanged / error); `run_import(book, path, dry_run, strict)` does it. The
good rows go in as ONE `book.write()` transaction; with `strict`, nothing goes in unless every
row is good. Importing the same file twice changes nothing: clients merge by normalized phone,
then by name + ID last four; deposits by (client, start, amount, term).

Privacy: of an ID number only the last four characters are kept, and error values show an ID
masked (****1234). Text from cells is stored exactly as written (after strip), never
interpreted. Phones and IDs must arrive as text: a number (or 1.38001E+10) is a row error.
"""

from __future__ import annotations

import csv
import gc
import datetime as dt
import io
import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import text

from memo.birthdays import Birthday, BirthdayError, parse_birthday
from memo.db import Book
from memo.i18n import t
from memo.models import Client, Deposit, Phone
from memo.money import (
    maturity_for, parse_amount, parse_currency, parse_date, parse_deposit_kind, parse_rate, parse_term,
    roll_keys,
)
from memo.names import name_keys
from memo.ops import NAME_KEY_CHARS, DomainError, parse_tier
from memo.phones import PhoneError, normalize_phone

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
CLIENT_FIELDS = ("name", "phone", "id_number")
DEPOSIT_FIELDS = ("amount", "start", "term", "maturity")
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


@dataclass
class RowOutcome:
    row: int
    action: str  # create | update | unchanged | error
    name: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    path: str
    rows: list[RowOutcome]
    dry_run: bool = True
    strict: bool = False
    applied: bool = False  # True once the good rows are in the book

    def _count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

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
    content = decode_bytes(data)
    csv.field_size_limit(1 << 28)
    try:
        yield from csv.reader(io.StringIO(content, newline=""))
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


def cell_id_last4(value: Any) -> str:
    clean = _text_only(value, masked=True).upper().replace(" ", "")
    if not _ID.match(clean) or len(clean) not in (4, 15, 18) or (len(clean) == 15 and "X" in clean[-4:]):
        raise _RowFault("import.bad_id", _mask(_cell_text(value)))
    return clean[-4:]


_PLAIN_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


def cell_phone(value: Any) -> str:
    if type(value) is str and _PLAIN_MOBILE.match(value):  # noqa: E721  (the usual case, already normal)
        return value
    clean = _text_only(value)
    try:
        return normalize_phone(clean)
    except PhoneError as exc:
        raise _RowFault(exc.code, _cell_text(value)) from None


def cell_birthday(value: Any, lunar: bool, today: dt.date) -> Birthday:
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


_maturity = lru_cache(maxsize=1 << 16)(maturity_for)


@lru_cache(maxsize=1 << 18)
def _keys(name: str) -> tuple[str, str]:
    return name_keys(name[:NAME_KEY_CHARS])


def _convert_uncached(f: str, cell: Any, today: dt.date) -> Any:
    if f in ("name", "product"):
        return _cell_text(cell).strip()
    if f == "phone":
        return cell_phone(cell)
    if f == "id_number":
        return cell_id_last4(cell)
    if f in ("birthday", "lunar_birthday"):
        return cell_birthday(cell, f == "lunar_birthday", today)
    if f == "tier":
        return _money_fault(parse_tier, cell)
    if f == "amount":
        return _money_fault(parse_amount, cell)
    if f in ("start", "maturity"):
        return cell_date(cell)
    if f == "term":
        return cell_term(cell)
    if f == "rollover":
        return cell_rollover(cell)
    if f == "rate":
        return _money_fault(parse_rate, cell)
    if f == "currency":
        return _money_fault(parse_currency, cell)
    raise KeyError(f)


_convert_cached = lru_cache(maxsize=1 << 18)(_convert_uncached)
_UNCACHED = ("name", "product", "phone", "id_number")  # mostly distinct: no cache (birthdays repeat: ~22k in 100k rows)
_SKIP = object()  # a blank cell


def _convert(f: str, cell: Any, today: dt.date) -> Any:
    """One cell to its field's value, or _RowFault. Repeated values (dates, terms, rates...)
    are parsed once: a bank export has a few thousand distinct ones in 100,000 rows."""
    if f in _UNCACHED or type(cell) is not str:  # noqa: E721  (datetime cells: no cache needed)
        return _convert_uncached(f, cell, today)
    return _convert_cached(f, cell, today)


# --- planning --------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    row: int
    values: dict[str, Any]
    columns: dict[str, str]


@dataclass
class _Plan:
    outcomes: list[RowOutcome] = field(default_factory=list)
    new_clients: list[dict] = field(default_factory=list)
    new_phones: list[dict] = field(default_factory=list)
    new_deposits: list[dict] = field(default_factory=list)
    client_updates: dict[int, dict] = field(default_factory=dict)
    deposit_updates: dict[int, dict] = field(default_factory=dict)


def _columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, cell in enumerate(header):
        key = _ALIASES.get(_header_key(_cell_text(cell)))
        if key is not None and key not in index:  # the first column of a field wins
            index[key] = i
            names[key] = _cell_text(cell).strip().lstrip("\ufeff")
    return index, names


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Planner:
    def __init__(self, conn, today: dt.date, now: dt.datetime) -> None:  # noqa: ANN001
        self.today = today
        self.now = now
        self.stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy's SQLite DateTime stores it
        self.plan = _Plan()
        self.clients: dict[int, dict] = {}
        self.by_phone: dict[str, list[int]] = {}
        self.by_name_id: dict[tuple[str, str | None], list[int]] = {}
        self.phones_of: dict[int, set[str]] = {}
        self.deposits: dict[tuple, dict] = {}
        self.next_id = 1 + conn.execute(text("SELECT coalesce(max(id), 0) FROM client")).scalar_one()
        self.new_ids: set[int] = set()
        for row in conn.execute(text(
            "SELECT id, name, id_last4, tier, birth_kind, birth_year, birth_month, birth_day, birth_leap "
            "FROM client WHERE deleted_at IS NULL"
        )).mappings():
            c = dict(row)
            c["birth_leap"] = bool(c["birth_leap"])
            self._remember(c)
        for cid, number in conn.execute(text("SELECT client_id, number FROM phone")):
            if cid in self.clients:
                self._remember_phone(cid, number)
        for row in conn.execute(text(
            "SELECT id, client_id, amount_fen, start, term_months, maturity, maturity_given, rate, rollover, "
            "currency, note FROM deposit"
        )).mappings():
            d = dict(row)
            d["start"] = dt.date.fromisoformat(d["start"])
            d["maturity"] = dt.date.fromisoformat(d["maturity"])
            d["rollover"] = bool(d["rollover"])
            d["maturity_given"] = bool(d["maturity_given"])
            self.deposits[(d["client_id"], d["start"], d["amount_fen"], d["term_months"])] = d

    def _remember(self, c: dict) -> None:
        self.clients[c["id"]] = c
        self.by_name_id.setdefault((c["name"], c["id_last4"]), []).append(c["id"])

    def _remember_phone(self, cid: int, number: str) -> None:
        self.by_phone.setdefault(number, []).append(cid)
        self.phones_of.setdefault(cid, set()).add(number)

    # one row -> values, or errors
    def check(self, row_no: int, values: dict[str, Any], errors: list[RowError], names: dict[str, str]
              ) -> None:
        """The row's fields together: a deposit needs its client, an amount, a start, a term."""

        def fault(f: str, code: str, value: str) -> None:
            errors.append(RowError(row_no, f, names.get(f, f), value, code))

        if errors:
            return
        has_deposit = any(f in values for f in DEPOSIT_FIELDS)
        if not any(values.get(f) for f in CLIENT_FIELDS):
            if has_deposit or values:
                fault("name", "import.no_client", "")
            return
        if has_deposit:
            if "amount" not in values:
                fault("amount", "import.missing", names.get("amount", "amount"))
            if "start" not in values:
                fault("start", "import.missing", names.get("start", "start"))
            if "term" not in values and "maturity" not in values:
                fault("term", "deposit.need_term", "")
            if "start" in values and "maturity" in values and values["maturity"] < values["start"]:
                fault("maturity", "deposit.maturity_before_start", values["maturity"].isoformat())

    def _find_client(self, v: dict) -> int | None:
        name, phone, last4 = v.get("name", ""), v.get("phone"), v.get("id_number")
        if phone is not None:
            cands = [c for c in self.by_phone.get(phone, []) if c in self.clients]
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
            cands = self.by_name_id.get((name, last4), [])
            if cands:
                return cands[0]
        return None

    def apply(self, row_no: int, v: dict) -> str:
        """Plan one good row; returns its action."""
        created = updated = False
        cid = self._find_client(v)
        bday = v.get("lunar_birthday") or v.get("birthday")
        if cid is None:
            cid = self.next_id
            self.next_id += 1
            name = v.get("name", "")
            initials, pinyin = _keys(name) if name else ("", "")
            c = {
                "id": cid, "name": name, "id_last4": v.get("id_number"), "tier": v.get("tier", "regular"),
                "birth_kind": bday.kind if bday else None, "birth_year": bday.year if bday else None,
                "birth_month": bday.month if bday else None, "birth_day": bday.day if bday else None,
                "birth_leap": bday.leap if bday else False,
            }
            self.plan.new_clients.append({
                **c, "birth_leap": int(c["birth_leap"]), "name_initials": initials, "name_pinyin": pinyin,
                "honorific": None, "risk": None, "client_since": None, "profile": "", "do_not_call": 0,
                "call_hours": "", "created_at": self.stamp, "updated_at": self.stamp, "deleted_at": None,
            })
            self.new_ids.add(cid)
            self._remember(c)
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
                if cid in self.new_ids:
                    row = next(r for r in reversed(self.plan.new_clients) if r["id"] == cid)
                    row.update(changes)
                    row["birth_leap"] = int(bool(row["birth_leap"]))
                    if "name" in changes:
                        row["name_initials"], row["name_pinyin"] = _keys(c["name"])
                else:
                    self.plan.client_updates.setdefault(cid, {}).update(changes)
                    updated = True
        phone = v.get("phone")
        if phone is not None and phone not in self.phones_of.get(cid, ()):
            self.plan.new_phones.append({"client_id": cid, "number": phone, "rev": phone[::-1], "label": "",
                                         "created_at": self.stamp})
            self._remember_phone(cid, phone)
            updated = updated or not created
        if "amount" in v:
            start, fen, term = v["start"], v["amount"], v.get("term")
            given = v.get("maturity")
            maturity = given if given is not None else _maturity(start, term)
            product = v.get("product", "")
            try:
                kind = parse_deposit_kind(product) if product else "time"
            except DomainError:
                kind = "cd" if "大额存单" in product or "存单" in product else "time"
            d = {"client_id": cid, "amount_fen": fen, "start": start, "term_months": term,
                 "maturity": maturity, "maturity_given": given is not None, "rate": v.get("rate"),
                 "rollover": v.get("rollover", False), "currency": v.get("currency", "CNY"), "note": product}
            key = (cid, start, fen, term)
            old = self.deposits.get(key)
            if old is None:
                self.plan.new_deposits.append({
                    **d, "start": start.isoformat(), "maturity": maturity.isoformat(),
                    "maturity_given": int(given is not None), "rollover": int(d["rollover"]), "kind": kind,
                    "status": "active", "closed_on": None, "created_at": self.stamp, "updated_at": self.stamp,
                    **_roll(start, term, maturity),
                })
                self.deposits[key] = d
                created = True
            else:
                changes = {}
                if given is not None and (old["maturity"] != given or not old["maturity_given"]):
                    changes.update(maturity=given, maturity_given=True, **_roll(start, term, given))
                for k in ("rate", "currency", "note"):
                    if k in v or (k == "note" and "product" in v):
                        if old[k] != d[k]:
                            changes[k] = d[k]
                if "rollover" in v and old["rollover"] != d["rollover"]:
                    changes["rollover"] = d["rollover"]
                if changes:
                    old.update(changes)
                    if "id" in old:
                        self.plan.deposit_updates.setdefault(old["id"], {}).update(changes)
                        updated = True
                    else:  # a deposit made by an earlier row of this file
                        row = next(r for r in reversed(self.plan.new_deposits)
                                   if (r["client_id"], r["start"], r["amount_fen"], r["term_months"]) == key)
                        row.update({k: _sql_value(k, x) for k, x in changes.items()})
        return "create" if created else "update" if updated else "unchanged"


def _roll(start: dt.date, term: int | None, maturity: dt.date) -> dict[str, int | None]:
    return dict(zip(("roll_term", "roll_phase", "roll_day"), roll_keys(start, term, maturity)))


def _plan(conn, path: Path, today: dt.date, now: dt.datetime) -> _Plan:  # noqa: ANN001
    rows = read_table(path)
    header: list[Any] | None = None
    row_no = 0
    for cells in rows:
        row_no += 1
        if any(not _blank(c) for c in cells):
            header = cells
            break
    if header is None:
        raise DomainError("import.empty", str(path), "file")
    index, names = _columns(header)
    if not index:
        raise DomainError("import.no_columns", str(path), "file")
    planner = _Planner(conn, today, now)
    body: list[tuple[int, list[Any]]] = []
    for cells in rows:
        row_no += 1
        if any(not _blank(c) for c in cells):
            body.append((row_no, cells))
    # Column by column: a repeated value (a date, a term, a rate) is converted once per file.
    columns: list[tuple[str, list[Any]]] = []
    for f, i in index.items():
        memo: dict[Any, Any] = {}
        cacheable = f not in _UNCACHED
        out: list[Any] = []
        append = out.append
        for _, cells in body:
            cell = cells[i] if i < len(cells) else None
            if cell is None or cell == "" or (type(cell) is str and cell.isspace()):  # noqa: E721
                append(_SKIP)
                continue
            if cacheable:
                try:
                    append(memo[cell])
                    continue
                except (KeyError, TypeError):
                    pass
            try:
                value = _convert_uncached(f, cell, today)
            except _RowFault as exc:
                value = exc
            if cacheable and type(cell) is str:  # noqa: E721
                memo[cell] = value
            append(value)
        columns.append((f, out))
    for k, (row_no, _) in enumerate(body):
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for f, col in columns:
            value = col[k]
            if value is _SKIP:
                continue
            if type(value) is _RowFault:  # noqa: E721
                errors.append(RowError(row_no, f, names.get(f, f), value.value, value.code))
            else:
                values[f] = value
        planner.check(row_no, values, errors, names)
        name = values.get("name", "")
        if errors:
            planner.plan.outcomes.append(RowOutcome(row_no, "error", name, errors))
            continue
        if not values:
            continue
        planner.plan.outcomes.append(RowOutcome(row_no, planner.apply(row_no, values), name))
    return planner.plan


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


def _insert_many(conn, table, rows: list[dict]) -> None:  # noqa: ANN001
    """Core executemany straight to the driver: one prepared INSERT, many parameter tuples."""
    if not rows:
        return
    keys = list(rows[0])  # the planner made every row with the same keys, values as stored
    cols = ", ".join(f'"{k}"' for k in keys)
    marks = ", ".join("?" for _ in keys)
    sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})'
    getter = operator.itemgetter(*keys)
    conn.exec_driver_sql(sql, [getter(r) for r in rows])


BULK_ROWS = 20_000  # above this many new rows, indexes are rebuilt once instead of grown row by row


def _write(conn, plan: _Plan, now: dt.datetime) -> None:  # noqa: ANN001
    bulk = len(plan.new_clients) + len(plan.new_deposits) > BULK_ROWS
    indexes = []
    if bulk:
        # Same transaction: a reader sees the old book with its indexes, or the new one with them.
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('client', 'phone', 'deposit')").all()
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    _insert_many(conn, Client.__table__, plan.new_clients)
    _insert_many(conn, Phone.__table__, plan.new_phones)
    _insert_many(conn, Deposit.__table__, plan.new_deposits)
    for _, sql in indexes:
        conn.exec_driver_sql(sql)
    for cid, changes in plan.client_updates.items():
        if "name" in changes:
            changes["name_initials"], changes["name_pinyin"] = _keys(changes["name"])
        stmt = Client.__table__.update().where(Client.__table__.c.id == cid).values(**changes, updated_at=now)
        conn.execute(stmt)
    for did, changes in plan.deposit_updates.items():
        stmt = Deposit.__table__.update().where(Deposit.__table__.c.id == did).values(**changes, updated_at=now)
        conn.execute(stmt)


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


def _run(book: Book, path: Path, dry_run: bool, strict: bool, today: dt.date, now: dt.datetime) -> ImportReport:
    if dry_run:
        with book.engine.connect() as conn:
            plan = _plan(conn, path, today, now)
            conn.rollback()
        return ImportReport(str(path), plan.outcomes, dry_run=True, strict=strict, applied=False)
    applied = False
    with book.write() as session:
        conn = session.connection()
        plan = _plan(conn, path, today, now)
        has_errors = any(o.action == "error" for o in plan.outcomes)
        if not (strict and has_errors):
            _write(conn, plan, now)
            applied = True
    return ImportReport(str(path), plan.outcomes, dry_run=False, strict=strict, applied=applied)

"""Getting the book out: every table as CSV, JSON or xlsx, birthdays and maturities as .ics.

An export is a new folder (0700) named with the date, its files 0600. Without `full` it is safe
to hand on: phones masked (138****8000) and amounts hidden ("***"); with `full` it holds the
exact stored values, and `import_book` loads it (JSON, CSV or xlsx) into an empty book to give
the same book, ids included. Values are written as SQLite stores them (dates as text, flags as
0/1), so nothing is re-parsed on the way back in.

CSV: one file per table, UTF-8 with a BOM (Excel then reads Chinese right), CRLF rows; a stored
NULL is an empty unquoted cell and every text value is quoted, so NULL and "" stay apart.

xlsx: one sheet per table, manifest.json beside the workbook. Every text value is a text cell
(never a formula or an error code, whatever it starts with: "=cmd|..." stays text), and what
XML can't hold (control characters, a carriage return) is written with the spreadsheet format's
own escape, `_xHHHH_` (a literal "_x0041_" in the text becomes "_x005F_x0041_"), which Excel
shows as the character and `import_book` reads back. A stored NULL is no cell; "" is an empty
text cell. A text longer than Excel's 32,767-character cell limit is written whole (openpyxl
alone would cut it): Excel can't show all of it, but nothing of the book is lost.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlmodel import SQLModel

from memo import models
from memo.db import ALEMBIC_HEAD, SCHEMA_VERSION, Book
from memo.ops import DomainError
from memo.text import HIDDEN, mask_private

__all__ = ["FORMATS", "TABLES", "ExportResult", "export_book", "export_ics", "import_book", "read_tables"]

FORMAT_TAG = "lobby-memo-export"
FORMAT_VERSION = 1
FORMATS = ("csv", "json", "xlsx")
MANIFEST = "manifest.json"
JSON_NAME = "lobby-memo.json"
XLSX_NAME = "lobby-memo.xlsx"

# export name -> table; parents before children, so this is also the order rows go back in
TABLES: dict[str, type[SQLModel]] = {
    "clients": models.Client,
    "phones": models.Phone,
    "tags": models.ClientTag,
    "memos": models.Memo,
    "deposits": models.Deposit,
    "holdings": models.Holding,
    "holding_prices": models.HoldingPrice,
    "key_dates": models.KeyDate,
    "campaigns": models.Campaign,
    "contacts": models.Contact,
    "invitations": models.Invitation,
    "snoozes": models.Snooze,
    "dismissals": models.Dismissal,
    "settings": models.Setting,
}
AMOUNT_COLUMNS = {"deposits": ("amount_fen",), "holdings": ("amount_fen",), "contacts": ("sold_fen",),
                  "campaigns": ("cost_fen",)}
# free text where typed phone numbers are masked and amounts hidden too (memo.text.mask_private)
TEXT_COLUMNS = {"clients": ("profile",), "memos": ("text", "resolution"), "deposits": ("note",),
                "contacts": ("note", "new_info", "opportunity"), "invitations": ("note",), "phones": ("label",),
                "snoozes": ("note",), "dismissals": ("note",)}


@dataclass(frozen=True)
class ExportResult:
    path: Path  # the folder (or the .ics file)
    format: str
    full: bool
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _table(name: str):  # noqa: ANN202
    return TABLES[name].__table__


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _order(name: str) -> str:
    return ", ".join(_q(c.name) for c in _table(name).primary_key.columns)


# --- reading the book ----------------------------------------------------------------------------


def read_tables(book: Book) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every exported table as (columns, rows of stored values), in one read transaction."""
    out = {}
    with book.read() as session:
        conn = session.connection()
        for name in TABLES:
            table = _table(name)
            cols = [c.name for c in table.columns]
            sql = f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(table.name)}"
            rows = [tuple(r) for r in conn.exec_driver_sql(f"{sql} ORDER BY {_order(name)}").all()]
            out[name] = (cols, rows)
    return out


def _mask_text(value: Any) -> Any:
    return mask_private(value) if isinstance(value, str) else value


def _private(data: dict[str, tuple[list[str], list[tuple]]]) -> dict[str, tuple[list[str], list[tuple]]]:
    """Phones masked, amounts hidden, phones and amounts typed into free text masked."""
    from memo.phones import mask_phone

    out = {}
    for name, (cols, rows) in data.items():
        hide = {cols.index(c) for c in AMOUNT_COLUMNS.get(name, ())}
        texts = {cols.index(c) for c in TEXT_COLUMNS.get(name, ())}
        phone = cols.index("number") if name == "phones" else None
        rev = cols.index("rev") if name == "phones" else None
        new_rows = []
        for row in rows:
            values = list(row)
            for i in hide:
                values[i] = None if values[i] is None else HIDDEN
            for i in texts:
                values[i] = _mask_text(values[i])
            if phone is not None:
                values[phone] = mask_phone(values[phone])
                values[rev] = values[phone][::-1]
            new_rows.append(tuple(values))
        out[name] = (cols, new_rows)
    return out


# --- writing files, owner-only -------------------------------------------------------------------


def _new_folder(out: Path, day: dt.date) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    base = f"memo-export-{day.isoformat()}"
    for n in range(1, 1000):
        folder = out / (base if n == 1 else f"{base}-{n}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
        return folder
    raise DomainError("export.cannot_write", str(out / base))


def open_private(path: Path, mode: str = "w", **kwargs: Any):  # noqa: ANN201
    """Open `path` for writing, created (or truncated) owner-only before a byte is written."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, **kwargs)


def _manifest(full: bool, fmt: str, counts: dict[str, int], now: dt.datetime) -> dict:
    return {"format": FORMAT_TAG, "version": FORMAT_VERSION, "schema_version": SCHEMA_VERSION,
            "alembic": ALEMBIC_HEAD, "full": full, "file_format": fmt,
            "exported_at": now.isoformat(timespec="seconds"), "tables": counts}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _write_csv(path: Path, cols: list[str], rows: Iterable[tuple]) -> None:
    with open_private(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(",".join(_csv_cell(c) for c in cols) + "\r\n")
        for row in rows:
            f.write(",".join(_csv_cell(v) for v in row) + "\r\n")


def _write_json(path: Path, manifest: dict, data: dict) -> None:
    doc = {**manifest, "data": {name: [dict(zip(cols, row)) for row in rows]
                                for name, (cols, rows) in data.items()}}
    with open_private(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


# What an xlsx cell can't hold as itself: XML 1.0's forbidden characters, and a carriage return
# (XML reads "\r\n" back as "\n"); an underscore that would read as the start of an escape.
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def xlsx_escape(text: str) -> str:
    """OOXML's escape for a cell's text: ESC -> "_x001B_", "_x0041_" -> "_x005F_x0041_"."""
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _write_xlsx(path: Path, data: dict) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DomainError("export.needs_openpyxl", "openpyxl") from None

    wb = Workbook(write_only=True)
    for name, (cols, rows) in data.items():
        ws = wb.create_sheet(name)

        def cell(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            text = xlsx_escape(value)
            c = WriteOnlyCell(ws, value=text[:32767])
            c._value = text  # noqa: SLF001  (openpyxl would cut it at 32,767 characters: keep it all)
            c.data_type = "s"  # text, even "=1+1" or "#N/A"
            return c

        ws.append(cols)
        for row in rows:
            ws.append([cell(v) for v in row])
    with open_private(path, "wb") as f:
        wb.save(f)


def export_book(book: Book, out: Path | str = ".", fmt: str = "csv", *, full: bool = False,
                now: dt.datetime | None = None) -> ExportResult:
    """Write every table into a new dated folder under `out`; masked unless `full`."""
    if fmt not in FORMATS:
        raise DomainError("export.bad_format", fmt, "format")
    now = now or dt.datetime.now().replace(microsecond=0)
    data = read_tables(book)
    if not full:
        data = _private(data)
    counts = {name: len(rows) for name, (_, rows) in data.items()}
    try:
        folder = _new_folder(Path(out).expanduser(), now.date())
        manifest = _manifest(full, fmt, counts, now)
        if fmt == "json":
            _write_json(folder / JSON_NAME, manifest, data)
        else:
            with open_private(folder / MANIFEST, "w", encoding="utf-8") as f:
                json.dump(manifest, f, ensure_ascii=False, indent=1)
            if fmt == "csv":
                for name, (cols, rows) in data.items():
                    _write_csv(folder / f"{name}.csv", cols, rows)
            else:
                _write_xlsx(folder / XLSX_NAME, data)
    except OSError as exc:
        raise DomainError("export.cannot_write", f"{exc.filename or out}: {exc.strerror}") from exc
    return ExportResult(folder, fmt, full, counts)


# --- loading a full export into an empty book ----------------------------------------------------


def _csv_records(text: str) -> Iterator[list[tuple[str, bool]]]:
    """RFC 4180 records as lists of (value, was_quoted): an unquoted empty cell is NULL."""
    i, n = 0, len(text)
    row: list[tuple[str, bool]] = []
    while i < n:
        if text[i] == '"':
            i += 1
            parts = []
            while True:
                j = text.find('"', i)
                if j < 0:
                    raise ValueError("an unclosed quote")
                parts.append(text[i:j])
                if text.startswith('"', j + 1):
                    parts.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            row.append(("".join(parts), True))
        else:
            j = i
            while j < n and text[j] not in ",\r\n":
                j += 1
            row.append((text[i:j], False))
            i = j
        if i >= n:
            break
        if text[i] == ",":
            i += 1
            if i >= n:
                row.append(("", False))
            continue
        if text[i] in "\r\n":
            i += 2 if text.startswith("\r\n", i) else 1
            yield row
            row = []
            continue
        raise ValueError("text after a closing quote")
    if row:
        yield row


def _decode_csv(name: str, path: Path) -> tuple[list[str], list[tuple]]:
    table = _table(name)
    with open(path, encoding="utf-8-sig", newline="") as f:  # a "\r\n" inside a cell stays as typed
        records = _csv_records(f.read())
    header = [value for value, _ in next(records, [])]
    unknown = set(header) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"unknown columns {sorted(unknown)}")
    numeric = {c.name for c in table.columns if isinstance(c.type, (Integer, Boolean))}
    rows = []
    for record in records:
        if len(record) != len(header):
            raise ValueError(f"a row of {len(record)} cells under {len(header)} columns")
        row = []
        for col, (value, quoted) in zip(header, record):
            if not quoted and value == "":
                row.append(None)
            elif col in numeric and not quoted:
                row.append(int(value))
            else:
                row.append(value)
        rows.append(tuple(row))
    return header, rows


def _decode_xlsx(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """The tables of an xlsx export: a sheet per table, its header row the columns."""
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape  # the inverse of xlsx_escape

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a zip, not a workbook, unreadable: openpyxl raises many kinds
        raise ValueError(f"not a workbook: {exc}") from None
    data = {}
    try:
        for name in TABLES:
            if name not in wb.sheetnames:
                continue
            table = _table(name)
            rows_in = wb[name].iter_rows()
            header = [c.value for c in next(rows_in, ())]
            while header and header[-1] is None:
                header.pop()
            if not all(isinstance(c, str) for c in header):
                raise ValueError(f"a header cell that is not a column name in {name}")
            unknown = set(header) - set(table.columns.keys())
            if unknown:
                raise ValueError(f"unknown columns {sorted(unknown)}")
            numeric = {c.name for c in table.columns if isinstance(c.type, (Integer, Boolean))}
            # a blank cell in a NOT NULL text column is "" (Excel may drop an empty text cell)
            text = {c.name for c in table.columns if isinstance(c.type, String) and not c.nullable}
            rows = []
            for cells in rows_in:
                cells = list(cells)
                if any(c.value is not None for c in cells[len(header):]):
                    raise ValueError(f"a row longer than the {len(header)} columns of {name}")
                if all(c.value is None for c in cells):
                    continue  # a blank row (a spreadsheet's trailing rows)
                cells += [None] * (len(header) - len(cells))
                row = []
                for col, c in zip(header, cells):
                    value = None if c is None else c.value
                    if value is None:
                        empty_text = c is not None and c.data_type in ("s", "inlineStr")
                        row.append("" if empty_text or col in text else None)
                    elif isinstance(value, str):
                        row.append(unescape(value) if "_x" in value else value)
                    elif isinstance(value, bool):
                        row.append(int(value))
                    elif isinstance(value, float) and col in numeric and value.is_integer():
                        row.append(int(value))
                    elif isinstance(value, (int, float)):
                        row.append(value)
                    else:  # a date or time cell: an export writes dates as text
                        raise ValueError(f"a {type(value).__name__} cell in {name}.{col}")
                rows.append(tuple(row))
            data[name] = (header, rows)
    finally:
        wb.close()
    return data


def _load(source: Path) -> tuple[dict, dict[str, tuple[list[str], list[tuple]]]]:
    """(manifest, tables) of an export folder (CSV, JSON or xlsx), a JSON file or an xlsx file
    (its manifest.json beside it)."""
    if source.is_file() and source.suffix.lower() == ".xlsx":
        manifest = json.loads((source.parent / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("file_format") != "xlsx":
            raise ValueError("not an xlsx export")
        return manifest, _decode_xlsx(source)
    if source.is_dir():
        if (source / JSON_NAME).is_file():
            source = source / JSON_NAME
        else:
            manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
            fmt = manifest.get("file_format")
            if fmt == "xlsx":
                return manifest, _decode_xlsx(source / XLSX_NAME)
            if fmt != "csv":
                raise ValueError("not a CSV, JSON or xlsx export")
            data = {name: _decode_csv(name, source / f"{name}.csv") for name in TABLES
                    if (source / f"{name}.csv").is_file()}
            return manifest, data
    doc = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise ValueError("not an export")
    data = {}
    for name, rows in (doc.get("data") or {}).items():
        if name not in TABLES or not isinstance(rows, list):
            raise ValueError(f"unknown table {name!r}")
        cols = list(rows[0]) if rows else []
        data[name] = (cols, [tuple(r[c] for c in cols) for r in rows])
    return doc, data


def import_book(book: Book, source: Path | str) -> dict[str, int]:
    """Load a full export (its folder: CSV, JSON or xlsx; or the JSON or xlsx file) into an
    empty book, ids kept.

    One transaction: a bad file or a book that is not empty changes nothing.
    """
    source = Path(source).expanduser()
    try:
        manifest, data = _load(source)
    except (OSError, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise DomainError("export.bad_file", f"{source}: {exc}") from None
    if manifest.get("format") != FORMAT_TAG:
        raise DomainError("export.bad_file", str(source))
    if not manifest.get("full"):
        raise DomainError("export.masked", str(source))
    if manifest.get("schema_version", 0) > SCHEMA_VERSION:
        raise DomainError("export.too_new", str(source))
    counts = {}
    try:
        with book.write() as session:
            conn = session.connection()
            for name in TABLES:
                if name == "settings":
                    continue
                table = _table(name).name
                if conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {_q(table)})").scalar_one():
                    raise DomainError("export.not_empty", str(book.path))
            for name in TABLES:
                if name not in data:
                    continue
                cols, rows = data[name]
                counts[name] = len(rows)
                if not rows:
                    continue
                verb = "INSERT OR REPLACE" if name == "settings" else "INSERT"
                sql = (f"{verb} INTO {_q(_table(name).name)} ({', '.join(_q(c) for c in cols)}) "
                       f"VALUES ({', '.join('?' for _ in cols)})")
                conn.exec_driver_sql(sql, rows)
    except DomainError:
        raise
    except Exception as exc:  # a constraint or a type the schema refuses
        reason = getattr(exc, "orig", None) or exc
        raise DomainError("export.bad_file", f"{source}: {reason}") from None
    return counts


# --- calendar (.ics) -----------------------------------------------------------------------------

_ICS_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def ics_escape(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped; any line break as \\n; controls dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = re.sub(r"\r\n|\r|\n", "\\\\n", value)
    return _ICS_CONTROLS.sub("", value)


def ics_fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), CRLF-terminated."""
    out, chunk, size, limit = [], [], 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(chunk))
            chunk, size, limit = [], 0, 74  # continuation lines start with one space
        chunk.append(ch)
        size += width
    out.append("".join(chunk))
    return "\r\n ".join(out) + "\r\n"


def _ics_events(book: Book, year: int, full: bool) -> list[dict]:
    from sqlmodel import select

    from memo.i18n import t
    from memo.money import format_amount
    from memo.phones import mask_phone
    from memo.yearly import check_year, dates_for_client

    check_year(year)
    with book.read() as session:
        clients = session.exec(select(models.Client.id, models.Client.name)
                               .where(models.Client.deleted_at.is_(None)).order_by(models.Client.id)).all()
        phones: dict[int, list[str]] = {}
        for client_id, number in session.exec(select(models.Phone.client_id, models.Phone.number)
                                              .order_by(models.Phone.id)).all():
            phones.setdefault(client_id, []).append(number)
    events = []
    for client_id, name in clients:
        name = name or t("card.stub")
        numbers = [n if full else mask_phone(n) for n in phones.get(client_id, [])]
        for d in dates_for_client(book, client_id, year):
            if d.kind == "birthday":
                summary = t("export.ics_birthday", name=name)
            elif d.kind == "lunar_birthday":
                summary = t("export.ics_lunar_birthday", name=name, lunar=d.lunar_label or "")
            elif d.kind == "maturity":
                amount = format_amount(d.amount_fen, not full, symbol=True, short=True,
                                       currency=d.currency or "CNY")
                summary = t("export.ics_maturity", name=name, amount=amount)
            else:
                continue
            item = d.deposit_id if d.kind == "maturity" else client_id
            uid = f"{d.kind}-{item}-{d.date:%Y%m%d}@lobby-memo"
            desc = " ".join(numbers)
            if d.call_by:
                desc = (desc + "\n" if desc else "") + t("export.ics_call_by", date=d.call_by.isoformat())
            events.append(dict(uid=uid, date=d.date, summary=summary, description=desc))
    events.sort(key=lambda e: (e["date"], e["uid"]))
    return events


def ics_text(events: list[dict], stamp: dt.datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lobby Memo//memo//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ics_escape(e['uid'])}",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{e['date']:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e['date'] + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ics_escape(e['summary'])}",
        ]
        if e.get("description"):
            lines.append(f"DESCRIPTION:{ics_escape(e['description'])}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) for line in lines)


def export_ics(book: Book, path: Path | str, year: int, *, full: bool = False,
               now: dt.datetime | None = None) -> ExportResult:
    """Birthdays (solar, and lunar resolved in `year`) and maturities as all-day events."""
    path = Path(path).expanduser()
    events = _ics_events(book, year, full)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    body = ics_text(events, stamp)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open_private(path, "w", encoding="utf-8", newline="") as f:
            f.write(body)
    except OSError as exc:
        raise DomainError("export.cannot_write", f"{path}: {exc.strerror}") from exc
    return ExportResult(path, "ics", full, {"events": len(events)})

"""`memo export`, `memo backup`, `memo restore`.

Wired from memo/cli.py: `add_export_commands` adds the subcommands, `EXPORT_HANDLERS` routes
them. Exports are masked (phones 138****8000, amounts ***) unless `--full`.
"""

from __future__ import annotations

import argparse
import datetime as dt

from memo.cli import _emit, day_of
from memo.i18n import t

__all__ = ["EXPORT_HANDLERS", "add_export_commands"]


def add_export_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                        as_json: argparse.ArgumentParser) -> None:
    export = sub.add_parser("export", parents=[common, dated, as_json],
                            help="every table as CSV, JSON or xlsx; or birthdays and maturities as .ics")
    export.add_argument("--format", dest="export_format", default="csv", choices=("csv", "json", "xlsx"))
    export.add_argument("--out", default=".", metavar="DIR", help="where the dated export folder goes")
    export.add_argument("--full", action="store_true",
                        help="exact phones and amounts (default: masked, safe to hand on)")
    export.add_argument("--ics", default=None, metavar="FILE", help="write a calendar file instead")
    export.add_argument("--year", type=int, default=None, metavar="YYYY", help="the year of the calendar")

    backup = sub.add_parser("backup", parents=[common, as_json], help="copy the book (owner-only file)")
    backup.add_argument("--out", default=None, metavar="FILE",
                        help="default: backups/ beside the book")

    restore = sub.add_parser("restore", parents=[common, as_json],
                             help="put a backup in place of the book (the replaced book is kept)")
    restore.add_argument("file", metavar="FILE")


def _export(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo.export import export_book, export_ics

    if args.ics:
        today = day_of(args)
        result = export_ics(book, args.ics, args.year or today.year, full=args.full)
        data = {"path": str(result.path), "format": "ics", "year": args.year or today.year,
                "events": result.counts["events"], "full": result.full}
        return _emit(args, data, [t("export.ics_done", count=data["events"], path=str(result.path))])
    now = None
    if getattr(args, "date", None):
        now = dt.datetime.combine(args.date, dt.datetime.now().time()).replace(microsecond=0)
    result = export_book(book, args.out, args.export_format, full=args.full, now=now)
    data = {"path": str(result.path), "format": result.format, "full": result.full,
            "rows": result.rows, "tables": result.counts}
    lines = [t("export.done", tables=len(result.counts), rows=result.rows, path=str(result.path))]
    if not result.full:
        lines.append(t("export.masked_note"))
    return _emit(args, data, lines)


def _backup(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo.backup import backup_to, make_backup

    path = backup_to(book, args.out) if args.out else make_backup(book)
    return _emit(args, {"path": str(path)}, [t("backup.done", path=str(path))])


def _restore(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo.backup import restore

    kept = restore(book, args.file)  # `book` is the book's path here: it may not open
    data = {"restored": str(args.file), "book": str(book), "kept": str(kept) if kept else None}
    return _emit(args, data, [t("backup.restored", file=str(args.file), kept=str(kept or "-"))])


EXPORT_HANDLERS = {"export": _export, "backup": _backup, "restore": _restore}

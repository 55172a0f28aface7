"""`memo import FILE [--dry-run] [--strict] [--json]`: clients and deposits from the bank's exports.

Wired from memo/cli.py like cli_money: `add_import_commands` adds the subcommand and
`IMPORT_HANDLERS` routes it. Exit 1 when any row had an error, 0 otherwise. Cell values in the
output go through `visible`, so a hostile cell cannot drive the terminal.
"""

from __future__ import annotations

import argparse

from memo.i18n import t
from memo.text import visible

__all__ = ["IMPORT_HANDLERS", "add_import_commands", "report_lines"]


def add_import_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                        as_json: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common, dated, as_json],
                         help="import clients and deposits from a CSV or .xlsx export")
    imp.add_argument("file", metavar="FILE", help="CSV (UTF-8, GB18030/GBK, UTF-16) or .xlsx")
    imp.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    imp.add_argument("--strict", action="store_true", help="import nothing unless every row is good")


def report_lines(report) -> list[str]:  # noqa: ANN001
    errors = report.errors
    lines = [t("import.summary", created=report.created, updated=report.updated,
               unchanged=report.unchanged, errors=report.refused)]
    if report.dry_run:
        lines.append(t("import.dry_run"))
    elif not report.applied:
        lines.append(t("import.not_applied"))
    for e in errors:
        field = visible(e.column, one_line=True, limit=40)
        value = visible(e.value, one_line=True, limit=80)
        reason = visible(e.reason, one_line=True, limit=200)
        if e.value:
            lines.append(t("import.row_error", row=e.row, field=field, value=value, reason=reason))
        else:
            lines.append(t("import.row_error_blank", row=e.row, field=field, reason=reason))
    return lines


def _import(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo.cli import _emit
    from memo.importer import run_import

    today = getattr(args, "date", None)
    report = run_import(book, args.file, dry_run=args.dry_run, strict=args.strict, today=today)
    _emit(args, report.to_json(), report_lines(report))
    return 1 if report.errors else 0


IMPORT_HANDLERS = {"import": _import}

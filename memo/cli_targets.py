"""`memo targets`: choose clients for a product or an event, without the app (issue 6).

Wired from memo/cli.py: `add_targets_commands` adds the subcommand, `TARGETS_HANDLERS` routes it.
The list is memo.targets.search's, the same count, total and order as the Targets screen.

    memo targets [--tier T ...] [--risk C3 ...] [--tag T ...] [--maturing DAYS] [--min-amount A]
                 [--no-rollover] [--product WORDS] [--birthday-month M] [--since-contact DAYS]
                 [--request WORDS] [--list NAME] [--save NAME] [--limit N] [--date D] [--json]
    memo targets --lists [--json]          # the saved lists
    memo targets --delete NAME             # forget a saved list

`--list NAME` starts from a saved list; each filter option given replaces that part of it.
`--save NAME` saves the filter (replacing a list of that name) once every option has been read:
a bad option saves nothing.

Privacy: in privacy mode (`memo privacy on`) or with `--mask`, phones are masked and amounts hidden
(JSON: null); `--full` shows everything. User text goes through memo.text.visible; JSON keeps it
exact with every control character escaped.
"""

from __future__ import annotations

import argparse

from memo.cli import day_of, in_option, json_yuan, print_json, private
from memo.i18n import label, t
from memo.text import visible

__all__ = ["TARGETS_HANDLERS", "add_targets_commands", "row_json"]


def add_targets_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                         as_json: argparse.ArgumentParser) -> None:
    """Adds the subcommand to the parser."""
    from memo.cli import privacy_options

    shown = privacy_options()

    p = sub.add_parser("targets", parents=[common, dated, as_json, shown],
                       help="choose clients by tier, maturity, amount, product, birthday, contact... "
                            "with the amounts at stake; save the filter as a named list")
    p.add_argument("--tier", action="append", default=None, metavar="TIER",
                   help="regular gold platinum diamond private, or 金卡 ... (repeat, or comma-separated)")
    p.add_argument("--risk", action="append", default=None, metavar="C1..C5", help="risk profile (repeat)")
    p.add_argument("--tag", action="append", default=None, metavar="TAG", help="a tag the client has (repeat: any of them)")
    p.add_argument("--maturing", default=None, metavar="DAYS",
                   help="an active deposit's coming maturity within DAYS days from the day")
    p.add_argument("--min-amount", default=None, metavar="AMOUNT", help="per deposit: 200000, 20万")
    p.add_argument("--no-rollover", action="store_true", default=None, help="deposits not rolling over")
    p.add_argument("--product", default=None, metavar="WORDS", help="holds a product whose name has these words")
    p.add_argument("--birthday-month", default=None, metavar="M", help="birthday (solar or lunar) in month 1-12")
    p.add_argument("--since-contact", default=None, metavar="DAYS",
                   help="not reached for at least DAYS days (or never)")
    p.add_argument("--request", default=None, metavar="WORDS", help="an open request with these words")
    p.add_argument("--list", dest="list_name", default=None, metavar="NAME", help="start from a saved list")
    p.add_argument("--save", default=None, metavar="NAME", help="save the filter under this name")
    p.add_argument("--lists", action="store_true", help="show the saved lists")
    p.add_argument("--delete", default=None, metavar="NAME", help="delete a saved list")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N clients (default: all)")


# --- helpers ----------------------------------------------------------------------------------------


_OPTIONS = {  # the filter's field -> the option naming it, for errors
    "tier": "--tier", "risk": "--risk", "min_amount": "--min-amount", "maturing": "--maturing",
    "birthday_month": "--birthday-month", "since_contact": "--since-contact", "name": "--save",
}


def _in_option(exc, option: str | None = None) -> Exception:  # noqa: ANN001
    """The error named after the option of its field."""
    return in_option(exc, option or _OPTIONS.get(exc.field or ""))


def _filter(args: argparse.Namespace, book):  # noqa: ANN001, ANN202
    """The filter the options ask for: a saved list (--list) with the options given laid over it."""
    from dataclasses import replace

    from memo import targets
    from memo.codes import DomainError

    try:
        base = targets.get_list(book, args.list_name) if args.list_name is not None else targets.TargetFilter()
    except DomainError as exc:
        raise _in_option(exc, "--list") from None
    try:
        given = targets.build_filter(
            tiers=args.tier or (), risks=args.risk or (), tags=args.tag or (), maturing=args.maturing,
            min_amount=args.min_amount, no_rollover=bool(args.no_rollover), product=args.product or "",
            birthday_month=args.birthday_month, since_contact=args.since_contact, request=args.request or "")
    except DomainError as exc:
        raise _in_option(exc) from None
    # an option given replaces that part of the saved list
    over = {
        "tiers": args.tier is not None, "risks": args.risk is not None, "tags": args.tag is not None,
        "maturing_days": args.maturing is not None, "min_amount_fen": args.min_amount is not None,
        "no_rollover": bool(args.no_rollover), "product": args.product is not None,
        "birthday_month": args.birthday_month is not None, "since_contact_days": args.since_contact is not None,
        "request": args.request is not None,
    }
    return replace(base, **{k: getattr(given, k) for k, on in over.items() if on})


def _money(fen: int, privacy: bool) -> str:
    from memo.terms import format_amount

    return format_amount(fen, privacy, symbol=True)


def row_json(row, privacy: bool = False) -> dict:  # noqa: ANN001
    """One client of the list as the JSON contract's object (and a few more keys)."""
    from memo.phones import mask_phone

    return {
        "client_id": row.client_id, "name": row.name,
        "phones": [mask_phone(p) if privacy else p for p in row.phones], "tier": row.tier,
        "amount": json_yuan(row.amount_fen, privacy),
        "next_maturity": row.next_maturity.isoformat() if row.next_maturity else None,
        "last_contact": row.last_contact.isoformat() if row.last_contact else None,
        "do_not_call": row.do_not_call, "birthday": row.birthday.isoformat() if row.birthday else None,
    }


def _row_line(row, privacy: bool) -> str:  # noqa: ANN001
    from memo.cli import _name
    from memo.cli_today import _phone

    parts = [f"#{row.client_id}", _name(row.name)]
    if row.phones:
        parts.append(_phone(row.phones[0], privacy))
    parts += [label("tier", row.tier), _money(row.amount_fen, privacy)]
    if row.next_maturity:
        parts.append(t("targets.cli_maturity", date=row.next_maturity.isoformat()))
    if row.birthday:
        parts.append(t("targets.cli_birthday", date=row.birthday.isoformat()))
    parts.append(t("targets.cli_contact", date=row.last_contact.isoformat()) if row.last_contact
                 else t("targets.cli_never"))
    if row.do_not_call:
        parts.append(t("targets.dnc"))
    return "  ".join(parts)


# --- memo targets -----------------------------------------------------------------------------------


def _saved_lists(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import targets

    saved = targets.lists(book)
    if args.json:
        return print_json([{"name": name, "filter": f.to_dict(), "what": targets.describe(f)} for name, f in saved])
    if not saved:
        print(t("targets.no_lists"))
    for name, f in saved:
        print(t("targets.cli_list_line", name=visible(name, one_line=True),
                what=visible(targets.describe(f), one_line=True)))
    return 0


def _delete(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import targets
    from memo.codes import DomainError

    try:
        targets.delete_list(book, args.delete)
    except DomainError as exc:
        raise _in_option(exc, "--delete") from None
    if args.json:
        return print_json({"deleted": " ".join(args.delete.split())})
    print(t("targets.deleted", name=visible(" ".join(args.delete.split()), one_line=True)))
    return 0


def _targets(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import targets
    from memo.cli import CliError
    from memo.codes import DomainError

    if args.lists:
        return _saved_lists(args, book)
    if args.delete is not None:
        return _delete(args, book)
    if args.limit is not None and args.limit < 1:
        raise CliError(t("cli.in_option", option="--limit", message=t("cli.bad_limit", value=args.limit)))
    f = _filter(args, book)
    day = day_of(args)
    saved = None
    if args.save is not None:
        try:
            saved = targets.save_list(book, args.save, f)
        except DomainError as exc:
            raise _in_option(exc) from None
    privacy = private(args, book)
    limit = args.limit if args.limit is not None else 10**9
    found = targets.search(book, f, day, limit=limit)
    if args.json:
        data = {"count": found.count, "total_amount": json_yuan(found.total_fen, privacy),
                "clients": [row_json(r, privacy) for r in found.rows], "date": day.isoformat(),
                "filter": f.to_dict(), "masked": privacy}
        if saved is not None:
            data["saved"] = saved
        return print_json(data)
    lines = []
    if saved is not None:
        lines.append(t("targets.saved", name=visible(saved, one_line=True)))
    lines.append(t("targets.cli_header", date=day.isoformat(), count=found.count,
                   total=_money(found.total_fen, privacy)))
    lines.append(t("targets.cli_filter", what=visible(targets.describe(f), one_line=True)))
    if not found.rows:
        lines += ["", t("targets.none")]
    else:
        lines.append("")
        lines += [_row_line(r, privacy) for r in found.rows]
    if len(found.rows) < found.count:
        lines += ["", t("targets.cli_more", more=found.count - len(found.rows))]
    for line in lines:
        print(line)
    return 0


TARGETS_HANDLERS = {"targets": _targets}

"""The money-and-dates commands of `memo`: deposit, holding, keydate, dates, calendar.

Wired from memo/cli.py: `add_money_commands` adds the subcommands to its parser and
`MONEY_HANDLERS` routes them. Values go to memo.money as typed, so a bad one is a DomainError:
one line on stderr, never argparse's usage block. `--json` prints one JSON document.
"""

from __future__ import annotations

import argparse
import datetime as dt

from memo.cli import _emit, day_of
from memo.i18n import label, t
from memo.text import visible

__all__ = ["MONEY_HANDLERS", "add_money_commands", "lunar_birthday"]


def add_money_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                       as_json: argparse.ArgumentParser) -> None:
    deposit = sub.add_parser("deposit", help="a client's deposits and CDs")
    dsub = deposit.add_subparsers(dest="deposit_command", metavar="ACTION", required=True)
    add = dsub.add_parser("add", parents=[common, dated, as_json], help="a new deposit")
    add.add_argument("client", metavar="CLIENT")
    add.add_argument("--amount", required=True, metavar="YUAN", help="500000, 500,000.50, 50万")
    add.add_argument("--start", default=None, metavar="YYYY-MM-DD", help="default: today")
    add.add_argument("--term", default=None, metavar="TERM", help="3m 6m 1y 2y 3y 5y 18m ...")
    add.add_argument("--maturity", default=None, metavar="YYYY-MM-DD", help="wins over start + term")
    add.add_argument("--rate", default=None, metavar="PCT", help="annual percent, e.g. 1.45")
    add.add_argument("--rollover", action="store_true", help="auto-rollover")
    add.add_argument("--kind", default="time", metavar="time|cd|other")
    add.add_argument("--currency", default="CNY")
    add.add_argument("--note", default="")

    edit = dsub.add_parser("edit", parents=[common, dated, as_json], help="change a deposit")
    edit.add_argument("deposit_id", type=int, metavar="ID")
    for name in ("amount", "start", "term", "maturity", "rate", "kind", "currency", "note"):
        edit.add_argument(f"--{name}", default=None)
    edit.add_argument("--rollover", dest="rollover", action="store_const", const=True, default=None)
    edit.add_argument("--no-rollover", dest="rollover", action="store_const", const=False)

    close = dsub.add_parser("close", parents=[common, dated, as_json],
                            help="close a deposit: withdrawn or rolled over (--date: the day)")
    close.add_argument("deposit_id", type=int, metavar="ID")
    close.add_argument("--as", dest="close_as", required=True, metavar="withdrawn|rolled")

    listing = dsub.add_parser("list", parents=[common, dated, as_json], help="a client's deposits")
    listing.add_argument("client", metavar="CLIENT")

    holding = sub.add_parser("holding", help="a client's wealth products, funds, gold")
    hsub = holding.add_subparsers(dest="holding_command", metavar="ACTION", required=True)
    hadd = hsub.add_parser("add", parents=[common, as_json], help="a new holding")
    hadd.add_argument("client", metavar="CLIENT")
    hadd.add_argument("--product", required=True, metavar="NAME")
    hadd.add_argument("--amount", required=True, metavar="YUAN")
    hadd.add_argument("--price", required=True, metavar="PRICE", help="the purchase price")
    hadd.add_argument("--date", dest="purchase_date", default=None, metavar="YYYY-MM-DD",
                      help="the purchase date (default: today)")
    hadd.add_argument("--kind", default="wealth", metavar="wealth|fund|gold|other")
    hadd.add_argument("--take-profit", default=None, metavar="PCT")
    hadd.add_argument("--stop-loss", default=None, metavar="PCT")
    hadd.add_argument("--yield", dest="expected_yield", default=None, metavar="PCT")

    price = hsub.add_parser("price", parents=[common, dated, as_json], help="a price update (--date: its day)")
    price.add_argument("holding_id", type=int, metavar="ID")
    price.add_argument("price", metavar="PRICE")

    sell = hsub.add_parser("sell", parents=[common, dated, as_json], help="mark a holding sold")
    sell.add_argument("holding_id", type=int, metavar="ID")
    sell.add_argument("--price", default=None, metavar="PRICE")

    hlist = hsub.add_parser("list", parents=[common, as_json], help="a client's holdings")
    hlist.add_argument("client", metavar="CLIENT")

    keydate = sub.add_parser("keydate", help="a client's yearly dates other than the birthday")
    ksub = keydate.add_subparsers(dest="keydate_command", metavar="ACTION", required=True)
    kadd = ksub.add_parser("add", parents=[common, as_json], help="a new key date")
    kadd.add_argument("client", metavar="CLIENT")
    kadd.add_argument("--label", required=True, metavar="TEXT")
    _keydate_when(kadd, required=True)
    kedit = ksub.add_parser("edit", parents=[common, as_json], help="change a key date")
    kedit.add_argument("keydate_id", type=int, metavar="ID")
    kedit.add_argument("--label", default=None, metavar="TEXT")
    _keydate_when(kedit, required=False)
    kdel = ksub.add_parser("delete", parents=[common, as_json], help="delete a key date")
    kdel.add_argument("keydate_id", type=int, metavar="ID")
    klist = ksub.add_parser("list", parents=[common, as_json], help="a client's key dates")
    klist.add_argument("client", metavar="CLIENT")

    dates = sub.add_parser("dates", parents=[common, dated, as_json],
                           help="a client's birthday, key dates and maturities in a year")
    dates.add_argument("client", metavar="CLIENT")
    dates.add_argument("--year", type=int, default=None, help="default: this year")

    calendar = sub.add_parser("calendar", parents=[common, dated, as_json],
                              help="festivals, days off and working weekends of a year")
    calendar.add_argument("--year", type=int, default=None, help="default: this year")
    calendar.add_argument("--set-workday", default=None, metavar="YYYY-MM-DD",
                          help="override: that day is a working day (调休)")
    calendar.add_argument("--set-holiday", default=None, metavar="YYYY-MM-DD",
                          help="override: that day is a day off")
    calendar.add_argument("--name", default="", help="the override's name, e.g. 国庆节")
    calendar.add_argument("--unset", default=None, metavar="YYYY-MM-DD", help="remove an override")


def _keydate_when(parser: argparse.ArgumentParser, required: bool) -> None:
    when = parser.add_mutually_exclusive_group(required=required)
    when.add_argument("--date", dest="solar_when", default=None, metavar="DATE",
                      help="1975-08-15, 08-15, 8月15日")
    when.add_argument("--lunar", dest="lunar_when", default=None, metavar="[YYYY-]MM-DD",
                      help="a lunar date: 08-15, 农历八月十五")
    parser.add_argument("--leap", action="store_true", help="the lunar date is in a leap month")


def _cli_error(key: str):  # noqa: ANN202
    from memo.cli import CliError

    return CliError(t(key))


def _when(args: argparse.Namespace) -> str | None:
    from memo.money import lunar_text

    if args.lunar_when is not None:
        return lunar_text(args.lunar_when, args.leap)
    if args.leap:
        raise _cli_error("cli.leap_needs_lunar")
    return args.solar_when


def lunar_birthday(args: argparse.Namespace) -> dict[str, str]:
    """`client set --lunar-birthday [YYYY-]MM-DD [--leap]` as ops.edit_client's birthday text."""
    from memo.money import lunar_text

    value = getattr(args, "lunar_birthday", None)
    leap = getattr(args, "leap", False)
    if value is None:
        if leap:
            raise _cli_error("cli.leap_needs_lunar")
        return {}
    if getattr(args, "birthday", None) is not None:
        raise _cli_error("cli.two_birthdays")
    return {"birthday": lunar_text(value, leap)}


# --- output ---------------------------------------------------------------------------------------


def _yuan(fen: int) -> str:
    """Exact yuan as a decimal string for JSON: 50000000 -> "500000.00"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def _amount_json(view) -> dict:  # noqa: ANN001
    """A deposit or holding as JSON, with its amount also as exact yuan."""
    from memo.money import to_plain

    data = to_plain(view)
    data["amount"] = _yuan(view.amount_fen)
    return data


def _deposit_line(v) -> str:  # noqa: ANN001
    from memo.money import format_amount

    head = (f"#{v.id}  {label('deposit_kind', v.kind)}  "
            f"{format_amount(v.amount_fen, symbol=True, currency=v.currency)}  {v.start} → ")
    if v.status != "active":
        return head + f"{v.maturity}  {label('deposit_status', v.status)} {v.closed_on or ''}".rstrip()
    when = (t("money.days_left", days=v.days_left) if v.days_left >= 0
            else t("money.days_past", days=-v.days_left))
    line = f"{head}{v.next_maturity}  ({when})"
    if v.rate:
        line += f"  {v.rate}%"
    if v.rollover:
        line += f"  {t('money.rollover')}"
    if v.call_by:
        line += f"  [{t('money.call_by', date=v.call_by.isoformat())}]"
    if v.note:
        line += f"  {visible(v.note, one_line=True, limit=80)}"
    return line


def _holding_line(v) -> str:  # noqa: ANN001
    from memo.money import format_amount, format_pct

    line = (f"#{v.id}  {visible(v.product, one_line=True, limit=60)}  {label('holding_kind', v.kind)}  "
            f"{format_amount(v.amount_fen, symbol=True)}  {v.purchase_date} @ {v.purchase_price}")
    if v.latest_price is not None:
        line += (f"  → {v.latest_price} ({v.latest_price_date})  {format_pct(v.pnl_pct)}"
                 f" {format_amount(v.pnl_fen, symbol=True)}")
    if v.line:
        line += f"  [{label('line', v.line)}]"
    if v.status != "held":
        line += f"  {label('holding_status', v.status)}"
    return line


def _keydate_line(v) -> str:  # noqa: ANN001
    return f"#{v.id}  {visible(v.label, one_line=True, limit=60)}  {_anchor_words(v.kind, v.month, v.day, v.leap, v.year)}"


def _anchor_words(kind: str, month: int, day: int, leap: bool, year: int | None) -> str:
    from memo.birthdays import Birthday

    key, values = Birthday(kind, month, day, year, leap).label()
    words = t(key, **values)
    return f"{year} {words}" if year else words


# --- handlers -------------------------------------------------------------------------------------


def _deposit(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import money, ops

    today = day_of(args)
    command = args.deposit_command
    if command == "list":
        views = money.list_deposits(book, ops.resolve_client(book, args.client), today)
        return _emit(args, [_amount_json(v) for v in views], [_deposit_line(v) for v in views] or [t("cli.no_results")])
    if command == "add":
        view = money.add_deposit(
            book, ops.resolve_client(book, args.client), args.amount, args.start or today, term=args.term,
            maturity=args.maturity, rate=args.rate, rollover=args.rollover, kind=args.kind,
            currency=args.currency, note=args.note, today=today)
    elif command == "edit":
        raw = {k: getattr(args, k) for k in ("amount", "start", "term", "maturity", "rate", "kind", "currency",
                                             "note", "rollover") if getattr(args, k) is not None}
        view = money.edit_deposit(book, args.deposit_id, today=today, **raw)
    else:  # close
        view = money.close_deposit(book, args.deposit_id, args.close_as, on=today, today=today)
        return _emit(args, _amount_json(view),
                     [t("cli.deposit_closed", id=view.id, status=label("deposit_status", view.status))])
    saved = t("cli.deposit_saved", id=view.id, amount=money.format_amount(view.amount_fen, symbol=True,
                                                                         currency=view.currency),
              date=view.next_maturity.isoformat())
    return _emit(args, _amount_json(view), [saved, _deposit_line(view)])


def _holding(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import money, ops

    command = args.holding_command
    if command == "list":
        views = money.list_holdings(book, ops.resolve_client(book, args.client))
        return _emit(args, [_amount_json(v) for v in views], [_holding_line(v) for v in views] or [t("cli.no_results")])
    if command == "add":
        view = money.add_holding(
            book, ops.resolve_client(book, args.client), args.product, args.amount, args.price,
            args.purchase_date or dt.date.today(), kind=args.kind, take_profit=args.take_profit,
            stop_loss=args.stop_loss, expected_yield=args.expected_yield)
        head = t("cli.holding_saved", id=view.id, product=visible(view.product, one_line=True, limit=60))
    elif command == "price":
        view = money.price_holding(book, args.holding_id, args.price, day_of(args))
        head = t("cli.holding_priced", id=view.id, price=view.latest_price,
                 date=view.latest_price_date.isoformat(), pnl=money.format_pct(view.pnl_pct))
    else:  # sell
        view = money.sell_holding(book, args.holding_id, args.price, day_of(args))
        head = t("cli.holding_sold", id=view.id)
    return _emit(args, _amount_json(view), [head, _holding_line(view)])


def _keydate(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import money, ops

    command = args.keydate_command
    if command == "list":
        views = money.list_keydates(book, ops.resolve_client(book, args.client))
        return _emit(args, [money.to_plain(v) for v in views], [_keydate_line(v) for v in views] or [t("cli.no_results")])
    if command == "delete":
        view = money.get_keydate(book, args.keydate_id)
        money.delete_keydate(book, args.keydate_id)
        return _emit(args, {**money.to_plain(view), "deleted": True}, [t("cli.keydate_deleted", id=view.id)])
    if command == "add":
        view = money.add_keydate(book, ops.resolve_client(book, args.client), args.label, _when(args))
    else:  # edit
        view = money.edit_keydate(book, args.keydate_id, label=args.label, when=_when(args))
    return _emit(args, money.to_plain(view),
                 [t("cli.keydate_saved", id=view.id, label=visible(view.label, one_line=True, limit=60)),
                  _keydate_line(view)])


def _dates(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops, yearly
    from memo.money import to_plain

    year = args.year if args.year is not None else day_of(args).year
    rows = yearly.dates_for_client(book, ops.resolve_client(book, args.client), year)
    lines = []
    for d in rows:
        line = f"{d.date}  {label('weekday', str(d.date.weekday()))}  {visible(d.label, one_line=True, limit=60)}"
        if d.lunar_label:
            line += f"  {d.lunar_label}"
        if d.age is not None and d.kind != "maturity":
            line += f"  {t('card.age', age=d.age)}" if d.kind != "key_date" else f"  {d.age}"
        if d.round_age:
            line += f"  ★{t('yearly.round')}" if d.kind != "key_date" else "  ★"
        if d.call_by:
            line += f"  [{t('money.call_by', date=d.call_by.isoformat())}]"
        lines.append(line)
    return _emit(args, [to_plain(d) for d in rows], lines or [t("yearly.none")])


def _calendar(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import workdays
    from memo.money import parse_date
    from memo.ops import DomainError

    changes = [("set_workday", args.set_workday), ("set_holiday", args.set_holiday), ("unset", args.unset)]
    # every date is checked before the first change is written
    changes = [(what, parse_date(value, what)) for what, value in changes if value is not None]
    if changes:
        lines, done = [], []
        for what, day in changes:
            if what == "unset":
                if not workdays.remove_override(book, day):
                    raise DomainError("calendar.no_override", day.isoformat(), "unset")
                lines.append(t("cli.override_removed", date=day.isoformat()))
            else:
                workday = what == "set_workday"
                workdays.set_override(book, day, workday, args.name or "")
                words = t("calendar.workday" if workday else "calendar.holiday")
                if args.name:
                    words += f" {visible(args.name, one_line=True, limit=40)}"
                lines.append(t("cli.override_saved", date=day.isoformat(), what=words))
            info = workdays.day_info(day, book)
            done.append({"date": day.isoformat(), "workday": info.workday, "name": info.name,
                         "source": info.source})
        return _emit(args, done, lines)
    from memo.yearly import check_year

    year = check_year(args.year if args.year is not None else day_of(args).year)
    festivals = [{"key": f.key, "name": f.name_zh, "name_zh": f.name_zh, "name_en": f.name_en,
                  "date": f.date.isoformat()} for f in workdays.festivals(year)]
    days = [{"date": info.date.isoformat(), "weekday": info.date.weekday(), "workday": info.workday,
             "name": info.name, "key": info.key, "source": info.source}
            for info in workdays.calendar_year(year, book, named=True)]
    lines = [f"{f['date']}  {f['name'] if _zh() else f['name_en']}" for f in festivals]
    for d in days:
        what = t("calendar.workday" if d["workday"] else "calendar.holiday")
        lines.append(f"{d['date']}  {label('weekday', str(d['weekday']))}  {what}  {d['name'] or ''}  ({label('calendar.source', d['source'])})")
    return _emit(args, {"year": year, "festivals": festivals, "days": days}, lines)


def _zh() -> bool:
    from memo import i18n

    return i18n.get_lang() == "zh"


MONEY_HANDLERS = {"deposit": _deposit, "holding": _holding, "keydate": _keydate, "dates": _dates,
                  "calendar": _calendar}

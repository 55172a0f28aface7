"""The `memo` command: the app, and the same book without it.

Errors are one line on stderr and a non-zero exit, never a traceback. `--json` prints one JSON
document on stdout. Textual is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from collections.abc import Sequence

from memo import i18n
from memo.i18n import label, t
from memo.text import visible

EXIT_USAGE = 2
EXIT_ERROR = 1


class CliError(Exception):
    def __init__(self, message: str, details: Sequence[str] = ()):
        super().__init__(message)
        self.details = list(details)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", value=value)) from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the book file (default: $MEMO_DB or the user data dir)")
    common.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS,
                        help="zh or en (default: from the locale)")
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--date", type=_date, default=argparse.SUPPRESS, metavar="YYYY-MM-DD",
                       help="the day to act as today")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="one JSON document on stdout")

    parser = argparse.ArgumentParser(
        prog="memo", parents=[common, dated],
        description="Lobby Memo: client notes, open requests and who to call today.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common, dated], help="open the app on a fresh demo book")
    demo.add_argument("--clients", type=int, default=300, help=argparse.SUPPRESS)
    demo.add_argument("--no-app", action="store_true", help="make the demo book and print its path")

    client = sub.add_parser("client", help="add or change a client")
    client_sub = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)
    add = client_sub.add_parser("add", parents=[common, as_json], help="a new client")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", action="append", default=[], metavar="PHONE")
    add.add_argument("--birthday", default="", metavar="YYYY-MM-DD|MM-DD|lunar M/D")
    add.add_argument("--tier", default="regular")
    add.add_argument("--honorific", default="", metavar="先生|女士|mr|ms")
    edit = client_sub.add_parser("set", parents=[common, as_json], help="change a client's profile")
    edit.add_argument("client", metavar="CLIENT")
    for name in ("name", "tier", "honorific", "risk", "birthday", "tags", "profile", "call-hours",
                 "client-since"):
        edit.add_argument(f"--{name}", default=None)
    edit.add_argument("--do-not-call", dest="do_not_call", action="store_const", const=True, default=None)
    edit.add_argument("--may-call", dest="do_not_call", action="store_const", const=False)
    edit.add_argument("--add-phone", action="append", default=[], metavar="PHONE")
    edit.add_argument("--remove-phone", action="append", default=[], metavar="PHONE")
    edit.add_argument("--lunar-birthday", default=None, metavar="[YYYY-]MM-DD")
    edit.add_argument("--leap", action="store_true", help="the lunar birthday is in a leap month")

    jot = sub.add_parser("jot", parents=[common, dated, as_json], help="note a request or a fact")
    jot.add_argument("text")
    jot.add_argument("--client", metavar="PHONE|NAME|#ID")
    jot.add_argument("--due", metavar="WHEN", help="2026-12-05, 12/5, 明天, 下周一, in 3 days ...")
    jot.add_argument("--kind", default="request", choices=("request", "fact", "callback"))

    find = sub.add_parser("find", parents=[common, as_json], help="find clients by phone digits, name or pinyin")
    find.add_argument("query")
    find.add_argument("--limit", type=int, default=20)

    show = sub.add_parser("show", parents=[common, as_json, dated], help="a client's card")
    show.add_argument("client", metavar="CLIENT")

    for verb, helptext in (("resolve", "mark a request done"), ("drop", "drop a request")):
        close = sub.add_parser(verb, parents=[common, as_json], help=helptext)
        close.add_argument("memo_id", type=int, metavar="MEMO_ID")
        close.add_argument("--note", default="")

    privacy = sub.add_parser("privacy", parents=[common], help="privacy mode at the app's start: on or off")
    privacy.add_argument("state", choices=("on", "off"))

    from memo.cli_export import add_export_commands
    from memo.cli_import import add_import_commands
    from memo.cli_money import add_money_commands
    from memo.cli_today import add_today_commands
    from memo.cli_targets import add_targets_commands
    from memo.cli_campaign import add_campaign_commands
    from memo.cli_review import add_review_commands

    for add_commands in (add_today_commands, add_money_commands, add_export_commands, add_import_commands,
                         add_targets_commands, add_campaign_commands, add_review_commands):
        add_commands(sub, common, dated, as_json)
    return parser


def privacy_options() -> argparse.ArgumentParser:
    """--full / --mask, for the commands that show phones and amounts (a parent parser)."""
    shown = argparse.ArgumentParser(add_help=False)
    privacy = shown.add_mutually_exclusive_group()
    privacy.add_argument("--full", dest="privacy", action="store_const", const=False, default=None,
                         help="exact phones and amounts, even in privacy mode")
    privacy.add_argument("--mask", dest="privacy", action="store_const", const=True,
                         help="phones masked and amounts hidden, as in privacy mode")
    return shown


def private(args: argparse.Namespace, book) -> bool:  # noqa: ANN001
    """Privacy for this command: --full / --mask, else the book's privacy mode."""
    from memo.codes import PRIVACY_DEFAULT_KEY

    forced = getattr(args, "privacy", None)
    return forced if forced is not None else bool(book.setting(PRIVACY_DEFAULT_KEY, False))


def run() -> None:
    """The `memo` console script. After a command (not the app) everything is written, closed and
    flushed: the process ends without the interpreter freeing its heap object by object, which
    after a big import (hundreds of thousands of rows' objects) takes half a second."""
    code = main()
    if _app_started:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


_app_started = False


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    i18n.set_lang(getattr(args, "lang", None) or i18n.detect_lang())
    from memo.codes import AmbiguousClient, DomainError  # not memo.ops: the app starts without the ORM
    from memo.db import BookError

    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a reader that went away shows up here, inside the try, not at exit
        return code
    except BrokenPipeError:
        # `memo today | head -3`: the reader left early. No traceback; point stdout at /dev/null
        # so the flush at exit does not raise again, and end as a Unix tool killed by SIGPIPE.
        try:
            fd = sys.stdout.fileno()
            os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
        except (OSError, ValueError):  # no real file descriptor (output captured in-process)
            pass
        return 128 + 13
    except AmbiguousClient as exc:
        _fail(t(exc.code, value=exc.value), [_hit_line(h) for h in exc.candidates])
    except (DomainError, BookError) as exc:
        _fail(t(exc.code, value=exc.value))
    except CliError as exc:
        _fail(str(exc), exc.details)
    except KeyboardInterrupt:
        return 130
    return EXIT_ERROR


def _fail(message: str, details: Sequence[str] = ()) -> None:
    print(f"memo: {visible(message, one_line=True)}", file=sys.stderr)
    for line in details:
        print(f"  {line}", file=sys.stderr)


def day_of(args: argparse.Namespace) -> dt.date:
    """The day a command acts on: --date, else today."""
    return getattr(args, "date", None) or dt.date.today()


def _open(args: argparse.Namespace):  # noqa: ANN202
    from memo.db import open_book

    return open_book(getattr(args, "db", None))


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _run_app(args, book_path=getattr(args, "db", None))
    if args.command == "demo":
        from memo.demo import make_demo_book

        path = make_demo_book(getattr(args, "db", None), day_of(args), clients=args.clients)
        if args.no_app:
            print(t("demo.made", value=str(path)))
            return 0
        return _run_app(args, book_path=path)
    handler = {
        "client": _client, "jot": _jot, "find": _find, "show": _show, "resolve": _close,
        "drop": _close, "privacy": _privacy, **_more_handlers(),
    }[args.command]
    if args.command == "restore":
        # The book being replaced may not open at all (corrupt, too new): hand over its path.
        from memo.db import default_book_path

        db = getattr(args, "db", None)
        return handler(args, Path(db).expanduser() if db else default_book_path())
    book = _open(args)
    try:
        return handler(args, book)
    finally:
        book.close()


def _more_handlers() -> dict:
    """The commands that live in their own modules (today and calls, money and dates, export, import)."""
    from memo.cli_export import EXPORT_HANDLERS
    from memo.cli_import import IMPORT_HANDLERS
    from memo.cli_money import MONEY_HANDLERS
    from memo.cli_today import TODAY_HANDLERS
    from memo.cli_targets import TARGETS_HANDLERS
    from memo.cli_campaign import CAMPAIGN_HANDLERS
    from memo.cli_review import REVIEW_HANDLERS

    return {**TODAY_HANDLERS, **MONEY_HANDLERS, **EXPORT_HANDLERS, **IMPORT_HANDLERS, **TARGETS_HANDLERS,
            **CAMPAIGN_HANDLERS, **REVIEW_HANDLERS}


def _lunar_birthday(args: argparse.Namespace) -> dict:
    from memo.cli_money import lunar_birthday

    return lunar_birthday(args)


def _run_app(args: argparse.Namespace, book_path) -> int:  # noqa: ANN001
    global _app_started
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError(t("cli.needs_terminal"))
    _app_started = True  # its threads and Textual's own shutdown get a normal exit
    from memo.db import open_book
    from memo.prefetch import first_page_of

    book = open_book(book_path)
    try:
        today = getattr(args, "date", None)
        first_page = first_page_of(book, today or dt.date.today())  # while Textual is imported
        from memo.app import MemoApp

        MemoApp(book, today=today, first_page=first_page).run()
    finally:
        book.close()
    return 0


_C1 = re.compile(r"[\x7f-\x9f\u2028\u2029]")


def dump_json(data: object, indent: int | None = 2) -> str:
    """JSON with every control character escaped: json escapes C0 itself, not DEL or C1 (\\x9b is a
    CSI to many terminals). They occur only inside strings, where \\uXXXX is the same text.

    A list (of rows, clients...) is written one item to a line: json's C encoder writes each, where
    its indenting encoder is Python (the whole today list of a big book: ~4 s -> ~0.3 s)."""
    def dumps(value: object, indent: int | None = None) -> str:
        return json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)

    if indent and isinstance(data, (list, tuple)) and data:
        pad = " " * indent
        text = "[\n" + ",\n".join(pad + dumps(item) for item in data) + "\n]"
    else:
        text = dumps(data, indent)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _json_default(value: object) -> object:
    """What json cannot write itself: dataclasses and dates (as memo.codes.to_jsonable makes them)."""
    from memo.codes import to_jsonable

    if isinstance(value, (dt.date, dt.datetime)) or dataclasses.is_dataclass(value):
        return to_jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_yuan(fen: int | None, privacy: bool = False) -> str | None:
    """An amount for JSON and CSV: exact yuan as a decimal string ("500000.00"), the privacy mark
    when hidden, None without an amount."""
    from memo.cli_money import _yuan
    from memo.text import HIDDEN

    return None if fen is None else HIDDEN if privacy else _yuan(fen)


def print_json(data: object) -> int:
    print(dump_json(data))
    return 0


def in_option(exc: Exception, option: str | None) -> CliError:
    """A DomainError (or a parser's error) about one option as a CliError naming the option."""
    message = t(exc.code, value=exc.value)  # type: ignore[attr-defined]
    return CliError(t("cli.in_option", option=option, message=message) if option else message)


def _emit(args: argparse.Namespace, data: object, human: Sequence[str]) -> int:
    if getattr(args, "json", False):
        print(dump_json(data))
    else:
        for line in human:
            print(line)
    return 0


def _name(name: str) -> str:
    return visible(name, one_line=True) or t("card.stub")


def _hit_line(hit) -> str:  # noqa: ANN001
    from memo.phones import format_phone

    phones = ", ".join(format_phone(p) for p in hit.phones)
    return f"#{hit.id}  {_name(hit.name)}  {label('tier', hit.tier)}  {phones}"


def _card_json(card) -> dict:  # noqa: ANN001
    from memo.codes import to_jsonable

    data = to_jsonable(card)
    data["phones"] = [p.number for p in card.phones]
    data["phone_labels"] = {p.number: p.label for p in card.phones if p.label}
    data["birthday"] = card.birthday.iso() if card.birthday else None
    data["memos"] = [to_jsonable(i.memo) for i in card.timeline if i.memo]
    data["contacts"] = [to_jsonable(i.contact) for i in card.timeline if i.contact]
    data["open"] = [m.id for m in card.open_memos]
    del data["timeline"], data["open_memos"]
    return data


def _card_lines(card) -> list[str]:  # noqa: ANN001
    from memo.phones import format_phone

    head = f"#{card.id}  {_name(card.name)}"
    if card.honorific:
        head += f" {label('honorific', card.honorific)}"
    head += f"  {label('tier', card.tier)}"
    lines = [head]
    if card.snoozed:
        note = f": {visible(card.snoozed.note, one_line=True)}" if card.snoozed.note else ""
        lines.append(f"  {t('today.snoozed', day=card.snoozed.until.isoformat())}{note}")
    for phone in card.phones:
        extra = f"  ({visible(phone.label, one_line=True)})" if phone.label else ""
        lines.append(f"  ☎ {format_phone(phone.number)}{extra}")
    if card.birthday:
        key, values = card.birthday.label()
        lines.append(f"  {t('card.field.birthday')}: {t(key, **values)}")
    if card.profile:
        lines.append(f"  {visible(card.profile, one_line=True)}")
    if card.open_memos:
        lines.append(t("card.open") + ":")
        lines += [_memo_line(m) for m in card.open_memos]
    lines.append(t("card.timeline") + ":")
    for item in card.timeline:
        if item.memo:
            lines.append(_memo_line(item.memo, with_date=True))
        else:
            c = item.contact
            lines.append(f"  {c.at:%Y-%m-%d}  {label('channel', c.channel)} · {label('outcome', c.outcome)}"
                         f"  {visible(c.note, one_line=True)}")
    return lines


def _memo_line(m, with_date: bool = False) -> str:  # noqa: ANN001
    due = f"  [{t('card.due', date=m.due.isoformat())}]" if m.due else ""
    when = f"{m.created_at:%Y-%m-%d}  " if with_date else ""
    return (f"  #{m.id}  {when}{label('kind', m.kind)}/{label('status', m.status)}  "
            f"{visible(m.text, one_line=True, limit=200)}{due}")


def _client(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops

    if args.client_command == "add":
        card = ops.add_client(book, args.name, args.phone, honorific=args.honorific, tier=args.tier,
                              birthday=args.birthday)
    else:
        client_id = ops.resolve_client(book, args.client)
        _check_phone_changes(ops.show(book, client_id), args.add_phone, args.remove_phone)
        raw = {k: getattr(args, k) for k in ("name", "tier", "honorific", "risk", "birthday", "tags",
                                             "profile", "call_hours", "client_since", "do_not_call")
               if getattr(args, k) is not None}
        raw.update(_lunar_birthday(args))
        card = ops.edit_client(book, client_id, **raw) if raw else ops.show(book, client_id)
        for phone in args.add_phone:
            card = ops.add_phone(book, client_id, phone)
        for phone in args.remove_phone:
            card = ops.remove_phone(book, client_id, phone)
    return _emit(args, _card_json(card), [t("cli.client_saved", id=card.id, name=_name(card.name))])


def _check_phone_changes(card, add: Sequence[str], remove: Sequence[str]) -> None:  # noqa: ANN001
    """Refuse the whole `client set` before anything is written if one number would fail.

    The profile edit and each phone are separate writes: without this, a typo in the second
    --add-phone exits with an error after the first number and the profile were saved, and the
    corrected command then fails on the number already added.
    """
    from memo.ops import DomainError
    from memo.phones import PhoneError, normalize_phone

    numbers = {p.number for p in card.phones}
    for phone, adding in [(p, True) for p in add] + [(p, False) for p in remove]:
        try:
            number = normalize_phone(phone)
        except PhoneError as exc:
            raise DomainError(exc.code, exc.value, "phone") from None
        if adding and number in numbers:
            raise DomainError("client.phone_taken", number, "phone")
        if not adding and number not in numbers:
            raise DomainError("client.phone_missing", number, "phone")
        numbers = numbers | {number} if adding else numbers - {number}


def _jot(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops
    from memo.codes import to_jsonable
    from memo.when import WhenError, parse_when

    try:
        due = parse_when(args.due or "", day_of(args))
    except WhenError as exc:
        raise ops.DomainError(exc.code, exc.value, "due") from None
    now = dt.datetime.combine(args.date, dt.datetime.now().time()) if getattr(args, "date", None) else None
    result = ops.jot(book, args.text, args.client, due=due, kind=args.kind, now=now)
    data = {**to_jsonable(result.memo), "created_client": result.created_client}
    return _emit(args, data, [t("cli.jotted", id=result.memo.id, text=visible(result.memo.text, one_line=True, limit=80))])


def _find(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops

    hits = ops.find(book, args.query, limit=args.limit)
    data = [{"id": h.id, "name": h.name, "phones": h.phones, "tier": h.tier, "matched": h.matched,
             "matched_phone": h.matched_phone} for h in hits]
    return _emit(args, data, [_hit_line(h) for h in hits] or [t("cli.no_results")])


def _show(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops

    card = ops.show(book, ops.resolve_client(book, args.client), timeline_limit=1000, today=day_of(args))
    return _emit(args, _card_json(card), _card_lines(card))


def _close(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops

    closer = ops.resolve_memo if args.command == "resolve" else ops.drop_memo
    memo = closer(book, args.memo_id, args.note)
    key = "cli.resolved" if args.command == "resolve" else "cli.dropped"
    return _emit(args, memo, [t(key, id=memo.id)])


def _privacy(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import ops
    from memo.codes import PRIVACY_DEFAULT_KEY

    ops.put_setting(book, PRIVACY_DEFAULT_KEY, args.state == "on")
    print(t("app.privacy_on") if args.state == "on" else t("app.privacy_off"))
    return 0


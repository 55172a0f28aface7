"""`memo today`, `memo call`, `memo snooze`, `memo dismiss`: the morning list without the app.

Wired from memo/cli.py: `add_today_commands` adds the subcommands, `TODAY_HANDLERS` routes them.
The list is memo.agenda.compute's, the same rows, order and scores as the today screen; acting
on it goes through memo.calls, one transaction each, after every option has been read.

Privacy: in privacy mode (`memo privacy on`) or with `--mask`, phones are masked (138****8000),
amounts hidden (***) and phone numbers typed into the reasons' text masked, on stdout and in the
--csv/--ics files alike; `--full` shows everything even in privacy mode.

User text is printed through memo.text.visible (ESC shows as ␛); JSON keeps it exact, with every
control character escaped (\\u001b, \\u009b), so nothing typed reaches a terminal raw.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from memo.cli import day_of, dump_json, in_option, json_yuan, print_json, private
from memo.i18n import label, t
from memo.codes import to_jsonable
from memo.text import mask_private, visible

__all__ = ["TODAY_HANDLERS", "add_today_commands", "row_json"]

CSV_COLUMNS = ("client_id", "name", "phones", "tier", "score", "kind", "detail", "date", "amount", "days",
               "status", "do_not_call")


def add_today_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                       as_json: argparse.ArgumentParser) -> None:
    from memo.cli import privacy_options

    shown = privacy_options()

    today = sub.add_parser("today", parents=[common, dated, as_json, shown],
                           help="who to call today and why, ranked (the today screen's list)")
    today.add_argument("--kind", action="append", default=[], metavar="KIND",
                       help="only rows with a reason of this kind (repeat, or comma-separated): maturity "
                            "birthday lunar_birthday key_date festival request callback holding cadence campaign")
    today.add_argument("--tier", action="append", default=[], metavar="TIER",
                       help="only clients of this tier (repeat, or comma-separated): regular gold platinum "
                            "diamond private, or 金卡 ...")
    today.add_argument("--limit", type=int, default=None, metavar="N", help="at most N rows (default: all)")
    today.add_argument("--csv", default=None, metavar="FILE", help="also write one line per reason (UTF-8, 0600)")
    today.add_argument("--ics", default=None, metavar="FILE", help="also write the day's calls as calendar events")

    call = sub.add_parser("call", parents=[common, dated, as_json], help="log a call to a client")
    call.add_argument("client", metavar="CLIENT")
    call.add_argument("--outcome", required=True, metavar="reached|no_answer|callback|declined")
    call.add_argument("--note", default="", metavar="TEXT")
    call.add_argument("--next", dest="next_on", default=None, metavar="WHEN",
                      help="the next follow-up (needed by callback): 明天, 下周一, 2026-12-03, next monday")
    call.add_argument("--new-info", default="", metavar="TEXT", help="something new learned")
    call.add_argument("--opportunity", default="", metavar="PRODUCT", help="a sales opportunity raised")
    call.add_argument("--sold", default=None, metavar="AMOUNT", help="amount sold: 500000, 50万")

    snooze = sub.add_parser("snooze", parents=[common, dated, as_json], help="put a client's today row off")
    snooze.add_argument("client", metavar="CLIENT")
    until = snooze.add_mutually_exclusive_group(required=True)
    until.add_argument("--until", default=None, metavar="WHEN", help="the day it comes back: 下周一, 2026-12-03")
    until.add_argument("--clear", action="store_true", help="bring a snoozed row back today")
    snooze.add_argument("--note", default="", metavar="TEXT")

    dismiss = sub.add_parser("dismiss", parents=[common, dated, as_json],
                             help="set aside a client's current reason(s) of one kind")
    dismiss.add_argument("client", metavar="CLIENT")
    dismiss.add_argument("kind", metavar="KIND")
    dismiss.add_argument("--note", default="", metavar="TEXT")

    rules = sub.add_parser("rules", parents=[common, as_json],
                           help="the today list's weights, cadences and windows (a book setting)")
    rules.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="e.g. weights.maturity=12, cadence_days.gold=120, festival_tiers=private,diamond")
    rules.add_argument("--reset", action="store_true", help="back to the defaults")


# --- small helpers --------------------------------------------------------------------------------


def _when(raw: str, option: str, day: dt.date) -> dt.date:
    from memo.codes import DomainError
    from memo.when import WhenError, parse_when

    try:
        value = parse_when(raw, day)
    except WhenError as exc:
        raise in_option(exc, option) from None
    if value is None:
        raise in_option(DomainError("when.unknown", raw), option)
    return value


def _words(values: Iterable[str]) -> list[str]:
    return [w for v in values for w in re.split(r"[,，、\s]+", v.strip()) if w]


def _kind_code(raw: str, option: str) -> str:
    from memo.cli import CliError
    from memo.i18n import CATALOG
    from memo.codes import REASON_KINDS

    value = raw.strip().lower()
    if value in REASON_KINDS:
        return value
    for code in REASON_KINDS:
        if raw.strip() in CATALOG[f"reason.{code}"] or value == CATALOG[f"reason.{code}"][1].lower():
            return code
    raise CliError(t("cli.in_option", option=option,
                     message=t("cli.bad_kind", value=raw, choices=" ".join(REASON_KINDS))))


def _tier_codes(values: Sequence[str]) -> set[str]:
    from memo.codes import DomainError
    from memo.values import parse_tier

    tiers = set()
    for raw in _words(values):
        try:
            tiers.add(parse_tier(raw))
        except DomainError as exc:
            raise in_option(exc, "--tier") from None
    return tiers


def _phone(number: str, privacy: bool) -> str:
    from memo.phones import format_phone, mask_phone

    return mask_phone(number) if privacy else format_phone(number)


def _numbers(row, privacy: bool) -> list[str]:  # noqa: ANN001
    from memo.phones import mask_phone

    return [mask_phone(n) if privacy else n for n in row.phones]


def _detail(reason, privacy: bool) -> str:  # noqa: ANN001
    """The reason's line; in privacy mode amounts hidden and numbers in its text masked."""
    from memo.agenda import detail

    if privacy and reason.text:
        reason = dataclasses.replace(reason, text=mask_private(reason.text))
    return detail(reason, privacy)


def _score(tenths: int) -> float:
    """Points as a JSON number: 125 -> 12.5, 120 -> 12.0."""
    return tenths / 10


def _who(row) -> str:  # noqa: ANN001
    """The row's client name as text to print (a row without a client: its memo)."""
    from memo.cli import _name

    if row.client_id is None:
        return t("cli.today_no_client", id=row.memo_id)
    return _name(row.name)


# --- memo today -----------------------------------------------------------------------------------


def row_json(row, privacy: bool = False) -> dict:  # noqa: ANN001
    """One today row as the JSON contract's object (and a few more keys)."""
    from memo.agenda import points

    reasons = []
    for r in row.reasons:
        item = {"kind": r.kind, "detail": _detail(r, privacy), "date": r.date.isoformat(), "days": r.days}
        if r.amount_fen is not None:
            item["amount"] = json_yuan(r.amount_fen, privacy)  # "***" when masked, as every command writes it
        item.update({"sub": r.sub, "ref": r.ref, "overdue": r.overdue, "score": _score(r.score),
                     "score_text": points(r.score), "text": mask_private(r.text) if privacy else r.text})
        reasons.append(item)
    return {
        "client_id": row.client_id, "name": row.name, "phones": _numbers(row, privacy), "tier": row.tier,
        "score": _score(row.score), "do_not_call": row.do_not_call, "reasons": reasons,
        "score_text": points(row.score), "status": row.status, "done": row.done, "call_hours": row.call_hours,
        "memo_id": row.memo_id, "masked": privacy,
    }


def _row_lines(row, privacy: bool) -> list[str]:  # noqa: ANN001
    from memo.agenda import points

    parts = [f"{points(row.score):>5}", f"#{row.client_id}  {_who(row)}" if row.client_id else _who(row)]
    if row.phones:
        parts.append(_phone(row.phones[0], privacy))
    if row.client_id is not None:
        parts.append(label("tier", row.tier))
    if row.call_hours:
        parts.append(t("cli.today_hours", hours=visible(row.call_hours, one_line=True, limit=40)))
    if row.done:
        parts.append("✓ " + label("outcome", row.status))
    elif row.status == "no_answer":
        parts.append(t("cli.today_no_answer"))
    lines = ["  ".join(parts)]
    for r in row.reasons:
        text = visible(_detail(r, privacy), one_line=True, limit=240)
        lines.append("       " + t("cli.today_reason", kind=label("reason", r.kind), detail=text))
    return lines


def _header(agenda) -> list[str]:  # noqa: ANN001
    from memo.codes import REASON_KINDS

    lines = [t("today.title", date=agenda.day.isoformat(), weekday=t(f"weekday.{agenda.day.weekday()}"))]
    counts = [f"{label('reason', k)} {agenda.counts[k]}" for k in REASON_KINDS if agenda.counts.get(k)]
    if counts:
        lines.append(" · ".join(counts))
    lines.append(t("cli.today_counts", todo=agenda.todo, done=agenda.done, snoozed=agenda.snoozed,
                   dnc=agenda.do_not_call))
    if agenda.total != agenda.all_total:
        lines.append(t("cli.today_filtered", shown=agenda.total, all=agenda.all_total))
    return lines


def _today_lines(agenda, privacy: bool) -> list[str]:  # noqa: ANN001
    lines = _header(agenda)
    calls = [r for r in agenda.rows if not r.do_not_call]
    apart = [r for r in agenda.rows if r.do_not_call]
    if not agenda.rows:
        lines += ["", t("cli.today_empty")]
    for row in calls:
        lines += ["", *_row_lines(row, privacy)]
    if apart:
        lines += ["", t("cli.today_dnc", n=len(apart))]
        for row in apart:
            lines += _row_lines(row, privacy)
    if len(agenda.rows) < agenda.total:
        lines += ["", t("cli.today_more", more=agenda.total - len(agenda.rows))]
    return lines


def _csv_rows(agenda, privacy: bool) -> list[tuple]:  # noqa: ANN001
    from memo.agenda import points

    out = []
    for row in agenda.rows:
        phones = " ".join(_numbers(row, privacy))
        name = _who(row)
        for r in row.reasons:
            amount = json_yuan(r.amount_fen, privacy)
            out.append((row.client_id, _cell(name), phones, row.tier, points(row.score), r.kind,
                        _cell(visible(_detail(r, privacy), one_line=True)), r.date.isoformat(), amount, r.days,
                        row.status, int(row.do_not_call)))
    return out


def _cell(value: str) -> str:
    """Text for a spreadsheet: a leading = + - @ would be read as a formula; a quote keeps it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _ics_events(agenda, privacy: bool) -> list[dict]:  # noqa: ANN001
    from memo.agenda import points

    events = []
    for row in agenda.rows:
        if row.do_not_call:
            continue
        who = row.name or (t("card.stub") if row.client_id is not None else t("cli.today_no_client", id=row.memo_id))
        lines = [" ".join(_phone(p, privacy) for p in row.phones)] if row.phones else []
        if row.call_hours:
            lines.append(t("cli.today_hours", hours=row.call_hours))
        lines.append(t("score.total", score=points(row.score)))
        if row.status:
            lines.append(label("outcome", row.status))
        lines += [t("cli.today_reason", kind=label("reason", r.kind), detail=_detail(r, privacy))
                  for r in row.reasons]
        item = f"c{row.client_id}" if row.client_id is not None else f"m{row.memo_id}"
        events.append({"uid": f"today-{item}-{agenda.day:%Y%m%d}@lobby-memo", "date": agenda.day,
                       "summary": t("cli.ics_call", name=who), "description": "\n".join(lines)})
    return events


def _write(path: Path, body: str, encoding: str, option: str) -> None:
    from memo.export import open_private
    from memo.codes import DomainError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open_private(path, "w", encoding=encoding, newline="") as f:
            f.write(body)
    except OSError as exc:
        raise in_option(DomainError("export.cannot_write", f"{path}: {exc.strerror}"), option) from exc


def _csv_text(rows: list[tuple]) -> str:
    from memo.export import _csv_cell

    lines = [",".join(_csv_cell(c) for c in CSV_COLUMNS)]
    lines += [",".join(_csv_cell(v) for v in row) for row in rows]
    return "".join(line + "\r\n" for line in lines)


def _today_cmd(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import agenda as agenda_mod
    from memo.cli import CliError

    kinds = {_kind_code(w, "--kind") for w in _words(args.kind)}
    tiers = _tier_codes(args.tier)
    if args.limit is not None and args.limit < 1:
        raise CliError(t("cli.in_option", option="--limit", message=t("cli.bad_limit", value=args.limit)))
    privacy = private(args, book)
    agenda = agenda_mod.compute(book, day_of(args), kinds=kinds or None, tiers=tiers or None, limit=args.limit)
    done = []
    # both files are made in memory first: a bad path fails before anything is written, mostly
    files = []
    if args.csv:
        rows = _csv_rows(agenda, privacy)
        files.append(("--csv", Path(args.csv).expanduser(), _csv_text(rows), "utf-8-sig",
                      t("cli.today_csv_done", rows=len(rows), path=args.csv)))
    if args.ics:
        from memo.export import ics_text

        events = _ics_events(agenda, privacy)
        files.append(("--ics", Path(args.ics).expanduser(), ics_text(events, dt.datetime.now(dt.timezone.utc)), "utf-8",
                      t("cli.today_ics_done", events=len(events), path=args.ics)))
    for option, path, body, encoding, line in files:
        _write(path, body, encoding, option)
        done.append(visible(line, one_line=True))
    if args.json:
        return print_json([row_json(row, privacy) for row in agenda.rows])
    for line in done or _today_lines(agenda, privacy):
        print(line)
    return 0


# --- memo call / snooze / dismiss -----------------------------------------------------------------


def _client_row(book, client_id: int, day: dt.date):  # noqa: ANN001, ANN202
    """The client's today row on `day` (None: not on the list)."""
    from memo import agenda

    rows = agenda.compute(book, day, clients={client_id}).rows
    return rows[0] if rows else None


def _client_name(book, client_id: int) -> str:  # noqa: ANN001
    from memo.cli import _name

    with book.raw() as db:
        row = db.execute("SELECT name FROM client WHERE id = ?", (client_id,)).fetchone()
    return _name(row[0] if row else "")


def _call(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import calls, ops
    from memo.money import parse_amount

    day = day_of(args)
    client_id = ops.resolve_client(book, args.client)
    try:
        outcome = calls.parse_outcome(args.outcome)
    except ops.DomainError as exc:
        raise in_option(exc, "--outcome") from None
    next_on = _when(args.next_on, "--next", day) if args.next_on is not None else None
    sold = None
    if args.sold is not None:
        try:
            sold = parse_amount(args.sold, "sold")
        except ops.DomainError as exc:
            raise in_option(exc, "--sold") from None
    if outcome == "callback" and next_on is None:
        raise ops.DomainError("call.need_next", "", "next")
    if outcome == "callback" and next_on < day:
        raise in_option(ops.DomainError("call.next_past", next_on.isoformat()), "--next")
    row = _client_row(book, client_id, day)
    kinds = row.kinds if row else []
    result = calls.log_call(book, client_id, outcome, note=args.note, next_on=next_on, new_info=args.new_info,
                            opportunity=args.opportunity, sold_fen=sold, reasons=" ".join(kinds), on=day)
    if args.json:
        data = to_jsonable(result)
        data["reasons"] = kinds
        return print_json(data)
    parts = [t("cli.call_logged", name=_client_name(book, client_id), outcome=label("outcome", result.outcome))]
    if result.callback_memo_id is not None:
        parts.append(t("cli.call_callback", id=result.callback_memo_id, date=next_on.isoformat()))
    if result.retry_on is not None:
        parts.append(t("cli.call_retry", date=result.retry_on.isoformat()))
    if result.closed_callbacks:
        parts.append(t("cli.call_kept", n=len(result.closed_callbacks)))
    if result.told_holdings:
        parts.append(t("cli.call_told", n=len(result.told_holdings)))
    print(t("cli.call_sep").join(parts))
    return 0


def _snooze(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import calls, ops

    day = day_of(args)
    client_id = ops.resolve_client(book, args.client)
    name = _client_name(book, client_id)
    if args.clear:
        n = calls.unsnooze(book, client_id, on=day)
        if args.json:
            return print_json({"client_id": client_id, "cleared": n})
        print(t("cli.unsnoozed", name=name, n=n))
        return 0
    until = _when(args.until, "--until", day)
    if until <= day:
        raise in_option(ops.DomainError("snooze.not_later", until.isoformat()), "--until")
    snooze_id = calls.snooze(book, client_id, until, note=args.note, on=day)
    if args.json:
        return print_json({"id": snooze_id, "client_id": client_id, "on": day.isoformat(),
                            "until": until.isoformat(), "note": args.note.strip()})
    print(t("cli.snoozed", name=name, date=until.isoformat()))
    return 0


def _dismiss(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import calls, ops
    from memo.cli import CliError

    day = day_of(args)
    client_id = ops.resolve_client(book, args.client)
    kind = _kind_code(args.kind, "KIND")
    name = _client_name(book, client_id)
    row = _client_row(book, client_id, day)
    refs = [r.ref for r in row.reasons if r.kind == kind] if row else []
    if not refs:
        raise CliError(t("cli.dismiss_nothing", name=name, kind=label("reason", kind), date=day.isoformat()))
    ids = [calls.dismiss(book, client_id, kind, ref, note=args.note, on=day) for ref in refs]
    if args.json:
        return print_json({"client_id": client_id, "kind": kind,
                            "dismissed": [{"id": i, "ref": ref} for i, ref in zip(ids, refs)]})
    print(t("cli.dismissed", name=name, kind=label("reason", kind), n=len(refs)))
    return 0


def _rules(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    """Show the rules in force; --set changes one (KEY or GROUP.KEY as in the defaults)."""
    from memo import agenda, ops

    changes = {} if args.reset else dict(book.setting(agenda.RULES_KEY, {}) or {})
    for item in args.set:
        key, sep, raw = item.partition("=")
        group, _, name = key.strip().partition(".")
        default = agenda.DEFAULT_RULES.get(group)
        if not sep or default is None or (name and (not isinstance(default, dict) or name not in default)):
            raise ops.DomainError("rules.bad_key", key, "set")
        template = default[name] if name else default
        value = _rule_value(template, raw.strip(), key)
        if name:
            changes.setdefault(group, {})[name] = value
        else:
            changes[group] = value
    if args.set or args.reset:
        ops.put_setting(book, agenda.RULES_KEY, changes)
    merged = agenda.rules(book)
    if args.json:
        return print_json(merged)
    for key, value in merged.items():
        print(f"{key} = {dump_json(value, indent=None)}")
    return 0


def _rule_value(template: object, raw: str, key: str) -> object:
    from memo import ops

    try:
        if isinstance(template, list):
            return [x.strip() for x in raw.split(",") if x.strip()]
        value = float(raw)
        if value < 0:
            raise ValueError
        return int(value) if value == int(value) else value
    except ValueError:
        raise ops.DomainError("rules.bad_value", f"{key}={raw}", "set") from None


TODAY_HANDLERS = {"today": _today_cmd, "call": _call, "snooze": _snooze, "dismiss": _dismiss, "rules": _rules}

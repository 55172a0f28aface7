"""`memo campaign add|edit|list|show|invite|status`: campaigns and events without the app (issue 6).

Wired from memo/cli.py: `add_campaign_commands` adds the subcommands, `CAMPAIGN_HANDLERS` routes
them. Everything goes through memo.campaigns, one transaction per command, after every option
has been read; a CLIENT is resolved as everywhere (phone digits, name, pinyin, #ID) and an
ambiguous one lists the candidates and changes nothing.

User text is printed through memo.text.visible; JSON keeps it exact, control characters escaped.
In privacy mode (`memo privacy on`, or --mask) phones are masked and the cost hidden; --full
shows them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from memo.cli import in_option, json_yuan, print_json, private
from memo.i18n import label, t
from memo.text import visible

__all__ = ["CAMPAIGN_HANDLERS", "add_campaign_commands", "campaign_json"]


def add_campaign_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                          as_json: argparse.ArgumentParser) -> None:
    """Adds the subcommands to the parser."""
    from memo.cli import privacy_options

    shown = privacy_options()

    campaign = sub.add_parser("campaign", help="campaigns and events: plan, invite, record who came")
    verbs = campaign.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)

    add = verbs.add_parser("add", parents=[common, as_json, shown], help="a new campaign or event")
    add.add_argument("--name", required=True)
    _plan_options(add, required=False)

    edit = verbs.add_parser("edit", parents=[common, as_json, shown], help="change a campaign")
    edit.add_argument("campaign_id", type=int, metavar="ID")
    edit.add_argument("--name", default=None)
    _plan_options(edit, required=False, editing=True)
    edit.add_argument("--results", default=None, metavar="TEXT", help="what the campaign brought")

    listing = verbs.add_parser("list", parents=[common, dated, as_json, shown], help="every campaign with its counts")
    del listing  # no options of its own

    show = verbs.add_parser("show", parents=[common, dated, as_json, shown],
                            help="a campaign: counts per status and each invitation")
    show.add_argument("campaign_id", type=int, metavar="ID")

    invite = verbs.add_parser("invite", parents=[common, dated, as_json, shown], help="put clients on the list to invite")
    invite.add_argument("campaign_id", type=int, metavar="ID")
    invite.add_argument("clients", nargs="*", metavar="CLIENT", help="phone digits, name, pinyin or #ID")
    invite.add_argument("--list", dest="list_name", default=None, metavar="NAME", help="a saved target list")
    invite.add_argument("--target", action="store_true", help="the clients the campaign's own target list matches now")
    invite.add_argument("--channel", default="phone", metavar="phone|sms|letter|email|visit")
    invite.add_argument("--note", default="", metavar="TEXT")

    status = verbs.add_parser("status", parents=[common, dated, as_json, shown],
                              help="record an invitation or a follow-up (one contact)")
    status.add_argument("campaign_id", type=int, metavar="ID")
    status.add_argument("client", metavar="CLIENT")
    status.add_argument("status", metavar="to_invite|invited|accepted|attended|declined")
    status.add_argument("--note", default="", metavar="TEXT")
    status.add_argument("--channel", default=None, metavar="phone|sms|letter|email|visit")


def _plan_options(parser: argparse.ArgumentParser, required: bool, editing: bool = False) -> None:
    none = None if editing else ""
    parser.add_argument("--theme", default=none, metavar="TEXT")
    parser.add_argument("--method", default=None if editing else "phone",
                        metavar="visit|salon|phone|sms|launch|other")
    # the event's date (not "act as if today were"): 2026-12-12, 12/12, 下周六
    parser.add_argument("--date", dest="on", default=None, metavar="WHEN", required=required,
                        help="the event's date: 2026-12-12, 12/12, 下周六, next saturday")
    parser.add_argument("--cost", default=None, metavar="AMOUNT", help="cost estimate: 5000, 1.2万")
    parser.add_argument("--frequency", default=None if editing else "once", metavar="once|weekly|monthly")
    parser.add_argument("--list", dest="list_name", default=None, metavar="NAME", help="its saved target list")


# --- helpers ----------------------------------------------------------------------------------------


def _day(args: argparse.Namespace) -> dt.date:
    # `campaign add/edit` have their own --date (the event's): the day is then the real today
    value = getattr(args, "date", None)
    return value if isinstance(value, dt.date) else dt.date.today()


def _name(text: str) -> str:
    return visible(text, one_line=True, limit=200)


def _phones(numbers: list[str], privacy: bool) -> list[str]:
    from memo.phones import mask_phone

    return [mask_phone(n) if privacy else n for n in numbers]


def campaign_json(view, privacy: bool = False) -> dict:  # noqa: ANN001
    """One campaign as a JSON object."""
    return {
        "id": view.id, "name": view.name, "theme": view.theme, "method": view.method,
        "date": view.on.isoformat() if view.on else None, "frequency": view.frequency,
        "next_date": view.next_on.isoformat() if view.next_on else None,
        "cost": json_yuan(view.cost_fen, privacy), "cost_fen": None if privacy else view.cost_fen,
        "target": view.target, "target_list": view.target_list, "results": view.results, "counts": view.counts, "total": view.total,
        "created_at": view.created_at.isoformat(), "masked": privacy,
    }


def _invitation_json(inv, privacy: bool) -> dict:  # noqa: ANN001
    return {"id": inv.id, "client_id": inv.client_id, "name": inv.name, "phones": _phones(inv.phones, privacy),
            "channel": inv.channel, "status": inv.status, "note": inv.note,
            "updated_at": inv.updated_at.isoformat(), "do_not_call": inv.do_not_call}


def _when(view) -> str:  # noqa: ANN001
    if view.on is None:
        return t("campaign.no_date")
    if view.frequency != "once" and view.next_on is not None and view.next_on != view.on:
        return t("campaign.next", date=view.next_on.isoformat())
    return view.on.isoformat() + ("" if view.next_on is not None else f" ({t('campaign.past')})")


def _counts(view) -> str:  # noqa: ANN001
    return " · ".join(f"{label('campaign.status', s)} {n}" for s, n in view.counts.items())


def _line(view) -> str:  # noqa: ANN001
    return (f"#{view.id}  {_name(view.name)}  {_when(view)}  {label('campaign.method', view.method)}"
            f"  {label('campaign.frequency', view.frequency)}  {_counts(view)}")


def _detail_lines(view, privacy: bool) -> list[str]:  # noqa: ANN001
    lines = [_line(view)]
    if view.theme:
        lines.append("  " + t("campaign.info_theme", theme=_name(view.theme)))
    if view.cost_fen is not None:
        from memo.terms import format_amount

        lines.append("  " + t("campaign.info_cost", amount=format_amount(view.cost_fen, privacy, symbol=True)))
    if view.target_list:
        lines.append("  " + t("campaign.info_list", name=_name(view.target_list)))
    elif view.target:
        lines.append("  " + t("campaign.info_filter", filter=_name(json.dumps(view.target, ensure_ascii=False))))
    if view.results:
        lines.append("  " + t("campaign.info_results", results=_name(view.results)))
    return lines


def _invitation_line(inv, privacy: bool) -> str:  # noqa: ANN001
    from memo.cli import _name as client_name
    from memo.phones import format_phone, mask_phone

    number = (mask_phone(inv.phones[0]) if privacy else format_phone(inv.phones[0])) if inv.phones else ""
    parts = [f"  #{inv.client_id}  {client_name(inv.name)}", number, label("channel", inv.channel),
             label("campaign.status", inv.status)]
    if inv.note:
        parts.append(_name(inv.note))
    return "  ".join(p for p in parts if p)


# --- the commands -------------------------------------------------------------------------------------


def _plan_values(args: argparse.Namespace, editing: bool) -> dict:
    raw = {}
    for key in ("name", "theme", "method", "on", "cost", "frequency", "list_name", "results"):
        value = getattr(args, key, None)
        if value is not None or not editing:
            raw[key] = value
    return raw


def _add(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns

    raw = _plan_values(args, editing=False)
    view = campaigns.add_campaign(book, raw.pop("name"), today=_day(args), **raw)
    if args.json:
        return print_json(campaign_json(view, private(args, book)))
    print(t("campaign.cli_added", id=view.id, name=_name(view.name)))
    return 0


def _edit(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns

    raw = _plan_values(args, editing=True)
    view = campaigns.edit_campaign(book, args.campaign_id, today=_day(args), **raw)
    if args.json:
        return print_json(campaign_json(view, private(args, book)))
    print(t("campaign.cli_saved", id=view.id, name=_name(view.name)))
    return 0


def _list(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns

    views = campaigns.list_campaigns(book, _day(args))
    privacy = private(args, book)
    if args.json:
        return print_json([campaign_json(v, privacy) for v in views])
    for view in views:
        print(_line(view))
    if not views:
        print(t("campaign.cli_none"))
    return 0


def _show(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns

    detail = campaigns.get_campaign(book, args.campaign_id, _day(args))
    privacy = private(args, book)
    if args.json:
        data = campaign_json(detail.campaign, privacy)
        data["invitations"] = [_invitation_json(i, privacy) for i in detail.invitations]
        return print_json(data)
    for line in _detail_lines(detail.campaign, privacy):
        print(line)
    for inv in detail.invitations:
        print(_invitation_line(inv, privacy))
    if not detail.invitations:
        print(t("campaign.cli_nobody"))
    return 0


def _invite(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns, ops
    from memo.cli import CliError

    if not args.clients and not args.list_name and not args.target:
        raise CliError(t("campaign.cli_one_of"))
    try:
        channel = campaigns.parse_channel(args.channel)
    except ops.DomainError as exc:
        raise in_option(exc, "--channel") from None
    ids = [ops.resolve_client(book, ref) for ref in args.clients]  # every one before anything is written
    result = campaigns.invite(book, args.campaign_id, ids, list_name=args.list_name, from_target=args.target,
                              channel=channel, note=args.note, today=_day(args))
    if args.json:
        return print_json({"campaign_id": result.campaign_id, "added": result.added, "already": result.already,
                            "list": result.list_name})
    view = campaigns.get_campaign(book, args.campaign_id, _day(args), limit=0).campaign
    print(t("campaign.cli_invited", name=_name(view.name), n=len(result.added), already=len(result.already)))
    return 0


def _status(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import campaigns, ops

    try:
        status = campaigns.parse_status(args.status)
    except ops.DomainError as exc:
        raise in_option(exc, "STATUS") from None
    try:
        channel = campaigns.parse_channel(args.channel, default=None) if args.channel else None
    except ops.DomainError as exc:
        raise in_option(exc, "--channel") from None
    day = _day(args)
    view = campaigns.get_campaign(book, args.campaign_id, day, limit=0).campaign  # the campaign first
    client_id = ops.resolve_client(book, args.client)
    result = campaigns.set_status(book, args.campaign_id, client_id, status, channel=channel, note=args.note,
                                  on=getattr(args, "date", None))
    privacy = private(args, book)
    if args.json:
        return print_json({**_invitation_json(result.invitation, privacy), "campaign_id": args.campaign_id,
                            "previous": result.previous, "contact_id": result.contact_id,
                            "outcome": result.outcome, "contact_channel": result.channel,
                            "at": result.at.isoformat()})
    from memo.cli import _name as client_name

    print(t("campaign.cli_status", client=client_name(result.invitation.name),
            status=label("campaign.status", result.invitation.status), name=_name(view.name)))
    return 0


def _campaign(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    handler = {"add": _add, "edit": _edit, "list": _list, "show": _show, "invite": _invite,
               "status": _status}[args.campaign_command]
    return handler(args, book)


CAMPAIGN_HANDLERS: dict = {"campaign": _campaign}

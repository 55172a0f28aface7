"""Campaigns and events (issue 6; seed 二(二)): the action plan, the invitations, the event.

A campaign has a name, a theme, a method (visit, salon, phone, SMS, product launch...), a date,
a cost estimate (fen), a frequency (one-off, weekly, monthly: later occurrences are computed
from the first date, never stepped, so a monthly event on the 31st stays on month ends) and its
target list: a memo.targets filter (a saved list's, kept by value), whose members are resolved
through memo.targets when inviting. Each invited client has one Invitation: to invite, invited,
accepted, attended or declined, with a note. Every invitation and follow-up recorded here is a Contact carrying the
campaign's id, written in the same transaction as the invitation's change.

Headless: no Textual. Every write is one `book.write()` transaction; bad input raises
`DomainError(code, value, field)` (a catalog key) before anything is written.

For the today list (memo.agenda), `today_reasons` gives the campaign reasons of a day straight
from a sqlite3 connection.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from memo.codes import CAMPAIGN_METHODS, CHANNELS, FREQUENCIES, INVITATION_STATUSES, DomainError

__all__ = [
    "CampaignDetail", "CampaignView", "InvitationView", "InviteResult", "OUTCOME_OF_STATUS", "StatusResult",
    "add_campaign", "edit_campaign", "get_campaign", "invitations", "invite", "list_campaigns", "list_members",
    "next_occurrence", "parse_channel", "parse_frequency", "parse_method", "parse_status", "reason_text",
    "set_status", "target_members", "today_reasons",
]

DEFAULT_INVITE_DAYS = 14  # rule "campaign_invite_days": invitation calls come up this many days ahead
INVITE_CHANNELS = ("phone", "sms", "letter", "email", "visit", "wechat")  # how an invitation goes out
MAX_NAME = 200

# The Contact each status change writes (see set_status).
OUTCOME_OF_STATUS = {
    "to_invite": "no_answer",  # tried, did not get through: it stays to invite
    "invited": "reached",
    "accepted": "reached",
    "attended": "reached",
    "declined": "declined",
}

_METHOD_WORDS = {
    "上门": "visit", "拜访": "visit", "上门拜访": "visit", "走访": "visit",
    "沙龙": "salon", "讲座": "salon", "沙龙讲座": "salon", "salon": "salon",
    "电话": "phone", "call": "phone", "短信": "sms", "text": "sms",
    "发布会": "launch", "产品发布": "launch", "新品发布": "launch", "展销会": "launch", "launch": "launch",
    "其他": "other", "其它": "other",
}
_FREQUENCY_WORDS = {
    "once": "once", "one-off": "once", "oneoff": "once", "one_off": "once", "一次": "once", "单次": "once",
    "一次性": "once", "weekly": "weekly", "week": "weekly", "每周": "weekly", "周": "weekly",
    "monthly": "monthly", "month": "monthly", "每月": "monthly", "月": "monthly",
}
_CHANNEL_WORDS = {
    "电话": "phone", "电话邀约": "phone", "call": "phone", "短信": "sms", "text": "sms",
    "信": "letter", "信函": "letter", "邮寄": "letter", "邀请函": "letter", "mail": "letter",
    "邮件": "email", "电子邮件": "email", "e-mail": "email", "当面": "visit", "拜访": "visit", "上门": "visit",
    "in_person": "visit", "in-person": "visit", "微信": "wechat", "活动": "event",
}
_STATUS_WORDS = {
    "to-invite": "to_invite", "toinvite": "to_invite", "待邀请": "to_invite", "未邀请": "to_invite",
    "邀请": "invited", "已邀请": "invited", "接受": "accepted", "已接受": "accepted", "答应": "accepted",
    "报名": "accepted", "accept": "accepted", "到场": "attended", "已到场": "attended", "出席": "attended",
    "attend": "attended", "婉拒": "declined", "拒绝": "declined", "谢绝": "declined", "decline": "declined",
}


# --- plain values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignView:
    id: int
    name: str
    theme: str
    method: str
    on: dt.date | None  # the (first) date
    cost_fen: int | None
    frequency: str
    target: dict  # the target list's filter (memo.targets.TargetFilter.to_dict); {} when none
    results: str
    created_at: dt.datetime
    counts: dict[str, int]  # invitations per status, every status present
    total: int  # invitations
    next_on: dt.date | None  # the first occurrence on or after the day asked for (None: past, or no date)
    target_list: str | None = None  # the saved target list with that filter, if one has it


@dataclass(frozen=True)
class InvitationView:
    id: int
    campaign_id: int
    client_id: int
    name: str
    phones: list[str]
    channel: str
    status: str
    note: str
    updated_at: dt.datetime
    do_not_call: bool = False


@dataclass(frozen=True)
class CampaignDetail:
    campaign: CampaignView
    invitations: list[InvitationView]  # the page asked for, in invitation order
    more: bool = False  # more invitations past the page


@dataclass(frozen=True)
class InviteResult:
    campaign_id: int
    added: list[int]  # client ids newly invited (status to_invite)
    already: list[int]  # client ids that had an invitation already (left as they were)
    list_name: str | None = None


@dataclass(frozen=True)
class StatusResult:
    invitation: InvitationView
    previous: str | None  # the status before (None: the invitation was made by this change)
    contact_id: int
    outcome: str
    at: dt.datetime
    channel: str  # the Contact's channel


# --- parsing what a person typed -------------------------------------------------------------------


def _norm(raw: str | None) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().lower().replace(" ", "_")


def _code(raw: str | None, codes: tuple[str, ...], words: dict[str, str], error: str, field_: str,
          default: str | None = None) -> str:
    value = _norm(raw)
    if not value and default is not None:
        return default
    code = value if value in codes else words.get(value) or words.get(value.replace("_", ""))
    if code is None:
        raise DomainError(error, raw or "", field_)
    return code


def parse_method(raw: str | None) -> str:
    """visit, salon, phone, sms, launch, other (or 上门, 沙龙, 电话, 短信, 发布会...); empty: phone."""
    return _code(raw, CAMPAIGN_METHODS, _METHOD_WORDS, "campaign.bad_method", "method", "phone")


def parse_frequency(raw: str | None) -> str:
    """once, weekly, monthly (or one-off, 一次, 每周, 每月); empty: once."""
    return _code(raw, FREQUENCIES, _FREQUENCY_WORDS, "campaign.bad_frequency", "frequency", "once")


def parse_channel(raw: str | None, default: str | None = "phone") -> str:
    """phone, sms, letter, email, visit (in person), wechat, event (or 电话, 短信, 信函, 邮件, 当面...)."""
    return _code(raw, CHANNELS, _CHANNEL_WORDS, "campaign.bad_channel", "channel", default)


def parse_status(raw: str | None) -> str:
    """to_invite, invited, accepted, attended, declined (or 待邀请, 已邀请, 接受, 到场, 婉拒...)."""
    return _code(raw, INVITATION_STATUSES, _STATUS_WORDS, "campaign.bad_status", "status")


def _name(raw: str | None) -> str:
    name = (raw or "").strip()
    if not name:
        raise DomainError("campaign.need_name", raw or "", "name")
    if len(name) > MAX_NAME:
        raise DomainError("campaign.name_too_long", name[:40] + "…", "name")
    return name


def _text(raw: str | None) -> str:
    return (raw or "").strip()


def _date(raw: dt.date | str | None, today: dt.date) -> dt.date | None:
    """A date, or the words for one (2026-12-05, 12/5, 下周六, next saturday); empty: none."""
    if raw is None or isinstance(raw, dt.date):
        return raw.date() if isinstance(raw, dt.datetime) else raw
    from memo.when import WhenError, parse_when

    try:
        return parse_when(raw, today)
    except WhenError as exc:
        raise DomainError(exc.code, exc.value, "date") from None


def _cost(raw: str | int | None) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    from memo.money import parse_amount

    return parse_amount(raw, "cost")


# --- target lists (memo.targets, imported when a campaign's list is used) --------------------------


def _list_filter(book, list_name: str | None) -> dict:  # noqa: ANN001
    """A saved target list's filter (a dict, as memo.targets keeps it)."""
    name = " ".join((list_name or "").split())
    if not name:
        raise DomainError("campaign.no_list", list_name or "", "list")
    from memo import targets

    try:
        return targets.get_list(book, name).to_dict()
    except DomainError as exc:
        if exc.code == "targets.no_list":
            raise DomainError("campaign.unknown_list", name, "list") from None
        raise DomainError("campaign.bad_target", name, "list") from None


def _checked_filter(target: Any) -> dict:
    """A filter dict as memo.targets reads it, checked by it."""
    from memo import targets

    if not isinstance(target, dict):
        raise DomainError("campaign.bad_target", str(target)[:40], "target")
    try:
        return targets.TargetFilter.from_dict(target).to_dict()
    except (DomainError, TypeError, ValueError):
        raise DomainError("campaign.bad_target", json.dumps(target, ensure_ascii=False, default=str)[:40],
                          "target") from None


def _target_of(book, target: Any, list_name: str | None) -> dict | None:  # noqa: ANN001
    """The filter to keep: a saved list's (by name; an empty name takes the target off), else the
    dict given; None: neither given."""
    if list_name is not None:
        return _list_filter(book, list_name) if list_name.strip() else {}
    if target is not None:
        return _checked_filter(target)
    return None


def _key(target: dict) -> str:
    return json.dumps(target, sort_keys=True, ensure_ascii=False)


def _list_names(book) -> dict[str, str]:  # noqa: ANN001
    """Saved target lists by their filter: a campaign's target shows the list's name."""
    from memo import targets

    try:
        return {_key(f.to_dict()): name for name, f in targets.lists(book)}
    except Exception:  # noqa: BLE001  (a name is only a nicety: never fail a view for it)
        return {}


def target_members(book, target: dict, today: dt.date | None = None) -> list[int]:  # noqa: ANN001
    """The clients a target filter matches now (memo.targets), biggest amount at stake first. An
    empty filter (every client) is refused: a campaign's list is chosen, never everybody."""
    from memo import targets

    if not target:
        raise DomainError("campaign.no_target", "", "list")
    return targets.client_ids(book, targets.TargetFilter.from_dict(target), today or dt.date.today())


def list_members(book, list_name: str, today: dt.date | None = None) -> list[int]:  # noqa: ANN001
    """The clients of a saved target list, resolved now."""
    return target_members(book, _list_filter(book, list_name), today)


# --- occurrences -----------------------------------------------------------------------------------


def next_occurrence(on: dt.date | None, frequency: str, day: dt.date) -> dt.date | None:
    """The campaign's first occurrence on or after `day`: the date itself for a one-off (None once
    past); for weekly ones the date plus whole weeks; for monthly ones the date plus whole months,
    each computed from the first date (31 Jan, 28/29 Feb, 31 Mar...), None without a date."""
    if on is None:
        return None
    if on >= day:
        return on
    if frequency == "weekly":
        weeks = -(-(day - on).days // 7)
        return on + dt.timedelta(weeks=weeks)
    if frequency == "monthly":
        from dateutil.relativedelta import relativedelta

        k = max(1, (day.year - on.year) * 12 + day.month - on.month)
        x = on + relativedelta(months=k)
        return x if x >= day else on + relativedelta(months=k + 1)
    return None


def occurrences(on: dt.date | None, frequency: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every occurrence in [start, end]."""
    out = []
    x = next_occurrence(on, frequency, start)
    while x is not None and x <= end:
        out.append(x)
        if frequency == "once":
            break
        x = next_occurrence(on, frequency, x + dt.timedelta(days=1))
    return out


# --- campaigns -------------------------------------------------------------------------------------


def _counts(rows: list[tuple[str, int]]) -> dict[str, int]:
    counts = {s: 0 for s in INVITATION_STATUSES}
    for status, n in rows:
        counts[status] = counts.get(status, 0) + n
    return counts


def _view(c: Any, counts: dict[str, int], day: dt.date, names: dict[str, str] | None = None) -> CampaignView:
    try:
        target = json.loads(c.target_filter or "{}")
    except ValueError:
        target = {}
    target = target if isinstance(target, dict) else {}
    return CampaignView(
        id=c.id, name=c.name, theme=c.theme, method=c.method, on=c.on, cost_fen=c.cost_fen,
        frequency=c.frequency, target=target, results=c.results,
        created_at=c.created_at, counts=counts, total=sum(counts.values()),
        next_on=next_occurrence(c.on, c.frequency, day),
        target_list=(names or {}).get(_key(target)) if target else None,
    )


def _campaign_row(session, campaign_id: int):  # noqa: ANN001, ANN202
    from memo.models import Campaign

    row = session.get(Campaign, campaign_id) if isinstance(campaign_id, int) else None
    if row is None:
        raise DomainError("campaign.not_found", f"#{campaign_id}", "campaign")
    return row


def _campaign_counts(session, campaign_id: int) -> dict[str, int]:  # noqa: ANN001
    from sqlalchemy import func
    from sqlmodel import select

    from memo.models import Invitation

    rows = session.exec(select(Invitation.status, func.count()).where(Invitation.campaign_id == campaign_id)
                        .group_by(Invitation.status)).all()
    return _counts(list(rows))


def add_campaign(book, name: str, *, theme: str = "", method: str | None = "phone",  # noqa: ANN001, PLR0913
                 on: dt.date | str | None = None, cost: str | int | None = None, frequency: str | None = "once",
                 target: dict | None = None, list_name: str | None = None, client_ids: list[int] | None = None,
                 channel: str | None = "phone", results: str = "", today: dt.date | None = None,
                 now: dt.datetime | None = None) -> CampaignView:
    """A new campaign. `on` is a date or the words for one (read against `today`); `cost` the
    estimate as typed (50000, 5万); weekly and monthly campaigns need a date to count from.
    Its target list: `target`, a filter (memo.targets.TargetFilter's dict), or `list_name`, a
    saved target list whose filter is kept (its members are resolved when inviting, see invite);
    `client_ids` are put on the invitation list at once ("to invite", by `channel`), in the same
    transaction."""
    from memo.models import Campaign

    day = today or dt.date.today()
    values = dict(name=_name(name), theme=_text(theme), method=parse_method(method), on=_date(on, day),
                  cost_fen=_cost(cost), frequency=parse_frequency(frequency),
                  target_filter=_key(_target_of(book, target, list_name) or {}), results=_text(results))
    if values["frequency"] != "once" and values["on"] is None:
        raise DomainError("campaign.need_date", values["frequency"], "date")
    chan = parse_channel(channel)
    wanted = list(dict.fromkeys(int(c) for c in (client_ids or [])))
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    with book.write() as session:
        row = Campaign(created_at=stamp, updated_at=stamp, **values)
        session.add(row)
        session.flush()
        if wanted:
            _add_invitations(session, row.id, wanted, chan, "", stamp)
        return _view(row, _counts([("to_invite", len(wanted))]), day, _list_names(book))


_EDITABLE = ("name", "theme", "method", "on", "cost", "frequency", "target", "list_name", "results")


def edit_campaign(book, campaign_id: int, *, today: dt.date | None = None,  # noqa: ANN001
                  now: dt.datetime | None = None, **raw: Any) -> CampaignView:
    """Change some of a campaign's fields (the names of add_campaign's arguments); `cost=""` or
    `on=""` clears the estimate or the date. Everything is checked before anything is written."""
    unknown = set(raw) - set(_EDITABLE)
    if unknown:
        raise DomainError("campaign.bad_field", sorted(unknown)[0], sorted(unknown)[0])
    day = today or dt.date.today()
    values: dict[str, Any] = {}
    if "name" in raw:
        values["name"] = _name(raw["name"])
    if "theme" in raw:
        values["theme"] = _text(raw["theme"])
    if "method" in raw:
        values["method"] = parse_method(raw["method"])
    if "on" in raw:
        values["on"] = _date(raw["on"], day) if raw["on"] != "" else None
    if "cost" in raw:
        values["cost_fen"] = _cost(raw["cost"])
    if "frequency" in raw:
        values["frequency"] = parse_frequency(raw["frequency"])
    if "results" in raw:
        values["results"] = _text(raw["results"])
    if "target" in raw or "list_name" in raw:
        values["target_filter"] = _key(_target_of(book, raw.get("target") or {}, raw.get("list_name")) or {})
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    with book.write() as session:
        row = _campaign_row(session, campaign_id)
        frequency = values.get("frequency", row.frequency)
        on = values["on"] if "on" in values else row.on
        if frequency != "once" and on is None:
            raise DomainError("campaign.need_date", frequency, "date")  # rolls back: nothing written
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = stamp
        session.add(row)
        session.flush()
        return _view(row, _campaign_counts(session, campaign_id), day, _list_names(book))


def list_campaigns(book, today: dt.date | None = None) -> list[CampaignView]:  # noqa: ANN001
    """Every campaign with its counts per status: the coming ones first (by next date), then
    those without a date, then the past ones (latest first)."""
    from sqlalchemy import func
    from sqlmodel import select

    from memo.models import Campaign, Invitation

    day = today or dt.date.today()
    with book.read() as session:
        rows = session.exec(select(Campaign)).all()
        per: dict[int, list] = {}
        for cid, status, n in session.exec(select(Invitation.campaign_id, Invitation.status, func.count())
                                           .group_by(Invitation.campaign_id, Invitation.status)):
            per.setdefault(cid, []).append((status, n))
        names = _list_names(book)
        views = [_view(c, _counts(per.get(c.id, [])), day, names) for c in rows]

    def order(v: CampaignView) -> tuple:
        if v.next_on is not None:
            return (0, v.next_on.toordinal(), v.id)
        if v.on is None:
            return (1, 0, -v.id)
        return (2, -v.on.toordinal(), -v.id)

    return sorted(views, key=order)


def get_campaign(book, campaign_id: int, today: dt.date | None = None, *,  # noqa: ANN001
                 limit: int | None = None, offset: int = 0, status: str | None = None) -> CampaignDetail:
    """A campaign, its counts, and its invitations (all, or the page [offset, offset + limit),
    only those of one status if asked), in the order they were made."""
    day = today or dt.date.today()
    with book.read() as session:
        view = _view(_campaign_row(session, campaign_id), _campaign_counts(session, campaign_id), day,
                     _list_names(book))
    rows = invitations(book, campaign_id, limit=None if limit is None else limit + 1, offset=offset, status=status)
    more = limit is not None and len(rows) > limit
    return CampaignDetail(view, rows[:limit] if limit is not None else rows, more)


def invitations(book, campaign_id: int, *, limit: int | None = None, offset: int = 0,  # noqa: ANN001
                status: str | None = None, client_id: int | None = None) -> list[InvitationView]:
    """A campaign's invitations with each client's name and phones, paged in SQL."""
    sql = ("SELECT i.id, i.campaign_id, i.client_id, c.name, i.channel, i.status, i.note, i.updated_at, "
           "c.do_not_call FROM invitation i JOIN client c ON c.id = i.client_id WHERE i.campaign_id = ?")
    args: list[Any] = [campaign_id]
    if status is not None:
        sql += " AND i.status = ?"
        args.append(parse_status(status))
    if client_id is not None:
        sql += " AND i.client_id = ?"
        args.append(client_id)
    sql += " ORDER BY i.id LIMIT ? OFFSET ?"
    args += [-1 if limit is None else limit, offset]
    with book.raw() as db:
        rows = db.execute(sql, args).fetchall()
        ids = json.dumps([r[2] for r in rows])
        phones: dict[int, list[str]] = {}
        for cid, number in db.execute("SELECT p.client_id, p.number FROM json_each(?) k "
                                      "JOIN phone p ON p.client_id = k.value ORDER BY p.id", (ids,)):
            phones.setdefault(cid, []).append(number)
    return [InvitationView(id=r[0], campaign_id=r[1], client_id=r[2], name=r[3], phones=phones.get(r[2], []),
                           channel=r[4], status=r[5], note=r[6], updated_at=dt.datetime.fromisoformat(r[7]),
                           do_not_call=bool(r[8]))
            for r in rows]


# --- invitations -----------------------------------------------------------------------------------


def _live_ids(session, client_ids: list[int]) -> set[int]:  # noqa: ANN001
    from sqlalchemy import text

    found: set[int] = set()
    for i in range(0, len(client_ids), 5000):
        chunk = json.dumps(client_ids[i:i + 5000])
        found |= {cid for (cid,) in session.execute(text(
            "SELECT c.id FROM json_each(:ids) k JOIN client c ON c.id = k.value WHERE c.deleted_at IS NULL"),
            {"ids": chunk})}
    return found


def _add_invitations(session, campaign_id: int, wanted: list[int], channel: str, note: str,  # noqa: ANN001
                     stamp: dt.datetime) -> tuple[list[int], list[int]]:
    """Insert "to invite" rows for the clients not yet on the list: (added, already there)."""
    from sqlmodel import select

    from memo.models import Invitation

    alive = _live_ids(session, wanted)
    missing = [c for c in wanted if c not in alive]
    if missing:
        raise DomainError("client.not_found", f"#{missing[0]}", "clients")
    have = set(session.exec(select(Invitation.client_id).where(Invitation.campaign_id == campaign_id)).all())
    added = [c for c in wanted if c not in have]
    if added:
        session.execute(Invitation.__table__.insert(), [
            {"campaign_id": campaign_id, "client_id": c, "channel": channel, "status": "to_invite", "note": note,
             "updated_at": stamp} for c in added])
    return added, [c for c in wanted if c in have]


def invite(book, campaign_id: int, client_ids: list[int] | None = None, *,  # noqa: ANN001, PLR0913
           list_name: str | None = None, from_target: bool = False, channel: str | None = "phone",
           note: str = "", today: dt.date | None = None, now: dt.datetime | None = None) -> InviteResult:
    """Put clients on a campaign's list, status "to invite": the explicit ids, and/or the members
    of a saved target list (`list_name`), and/or those of the campaign's own target filter
    (`from_target`), resolved now through memo.targets. A list given by name becomes the
    campaign's target when it has none. Clients already on the list stay as they are. Writes no
    Contact: nobody was called yet. A missing or deleted client refuses the whole call."""
    chan = parse_channel(channel)
    note = _text(note)
    day = today or dt.date.today()
    wanted = [int(c) for c in (client_ids or [])]
    if from_target:
        with book.read() as session:
            target = json.loads(_campaign_row(session, campaign_id).target_filter or "{}")
        wanted += target_members(book, target, day)
    kept = None
    if list_name is not None:
        kept = _list_filter(book, list_name)
        wanted += target_members(book, kept, day) if kept else []
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise DomainError("campaign.no_clients", "", "clients")
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    with book.write() as session:
        row = _campaign_row(session, campaign_id)
        added, already = _add_invitations(session, campaign_id, wanted, chan, note, stamp)
        if kept and not json.loads(row.target_filter or "{}"):
            row.target_filter = _key(kept)
            row.updated_at = stamp
            session.add(row)
    return InviteResult(campaign_id, added, already, " ".join(list_name.split()) if list_name else None)


def set_status(book, campaign_id: int, client_id: int, status: str, *, channel: str | None = None,  # noqa: ANN001, PLR0913
               note: str = "", on: dt.date | None = None, now: dt.datetime | None = None) -> StatusResult:
    """Record an invitation or a follow-up: the client's Invitation takes `status` (made, when the
    client was not on the list: a walk-in who came to the event) and one Contact is written, with
    the campaign's id and reason "campaign", both in one transaction.

    The Contact's outcome (the review counts reach from it):
      to_invite -> no_answer  tried, did not get through; it stays to invite
      invited   -> reached    the invitation reached the client
      accepted  -> reached
      attended  -> reached    channel "event": the client came
      declined  -> declined
    Its channel is `channel` (kept on the invitation too) or the invitation's own, but "event"
    for attended. A reached or declined contact restarts the client's cadence clock
    (last_contact_on), as any logged contact does. The note goes on the Contact and, when given,
    on the invitation, whose updated_at becomes the contact's time. `on` is the day (default
    today), `now` the time of day.
    """
    from sqlmodel import select

    from memo.models import Contact, Invitation
    from memo.ops import _live_client

    code = parse_status(status)
    chan = parse_channel(channel, default=None) if channel is not None and channel.strip() else None
    note = _text(note)
    now = (now or dt.datetime.now()).replace(microsecond=0)
    at = now if on is None or on == now.date() else dt.datetime.combine(on, now.time())
    day = at.date()
    outcome = OUTCOME_OF_STATUS[code]
    with book.write() as session:
        _campaign_row(session, campaign_id)
        client = _live_client(session, client_id)
        inv = session.exec(select(Invitation).where(Invitation.campaign_id == campaign_id,
                                                    Invitation.client_id == client_id)).first()
        previous = inv.status if inv is not None else None
        if inv is None:
            inv = Invitation(campaign_id=campaign_id, client_id=client_id, channel=chan or "phone")
        inv.status = code
        if chan is not None:
            inv.channel = chan
        if note:
            inv.note = note
        inv.updated_at = at
        session.add(inv)
        contact_channel = "event" if code == "attended" else inv.channel
        contact = Contact(client_id=client_id, at=at, channel=contact_channel, reasons="campaign", outcome=outcome,
                          note=note, campaign_id=campaign_id, created_at=at)
        session.add(contact)
        if outcome != "no_answer" and (client.last_contact_on is None or client.last_contact_on < day):
            client.last_contact_on = day
            session.add(client)
        session.flush()
        contact_id, inv_id, inv_channel, inv_note = contact.id, inv.id, inv.channel, inv.note
        name, dnc = client.name, client.do_not_call
    phones = invitations(book, campaign_id, client_id=client_id)
    view = phones[0] if phones else InvitationView(inv_id, campaign_id, client_id, name, [], inv_channel, code,
                                                   inv_note, at, dnc)
    return StatusResult(view, previous, contact_id, outcome, at, contact_channel)


# --- the today list ----------------------------------------------------------------------------------


# The today list's queries (see today_reasons for their plan).
CAMPAIGNS_SQL = 'SELECT id, name, "on", frequency FROM campaign WHERE "on" IS NOT NULL AND ("on" >= ? OR frequency != \'once\')'
# to invite, or moved on from it today with no earlier reach for this campaign: (campaign, day, day + 1, day)
INVITE_SQL = (
    "SELECT i.client_id FROM invitation i JOIN client c ON c.id = i.client_id "
    "WHERE i.campaign_id = ? AND c.deleted_at IS NULL AND (i.status = 'to_invite' OR "
    "(i.updated_at >= ? AND i.updated_at < ? AND NOT EXISTS (SELECT 1 FROM contact x "
    "WHERE x.client_id = i.client_id AND x.at < ? AND x.campaign_id = i.campaign_id "
    "AND x.outcome != 'no_answer')))")
# accepted, and no contact of this campaign since the reminder's working day, before today: (campaign, call day, day)
REMIND_SQL = (
    "SELECT i.client_id FROM invitation i JOIN client c ON c.id = i.client_id "
    "WHERE i.campaign_id = ? AND i.status = 'accepted' AND c.deleted_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM contact x WHERE x.client_id = i.client_id AND x.at >= ? "
    "AND x.at < ? AND x.campaign_id = i.campaign_id)")


def today_reasons(db, day: dt.date, rules: dict | None = None, book=None) -> list[tuple]:  # noqa: ANN001
    """The campaign reasons of the today list for `day`, from a raw sqlite3 connection
    (`with book.raw() as db`). `book` (optional) brings the book's own working-day overrides.

    Each is a tuple (client_id, sub, ref, date, campaign_name, campaign_id):
      - sub "invite": an invitation call due. The client is still "to invite" for a campaign
        whose next occurrence is within `rules["campaign_invite_days"]` days (default 14, today
        included). One per client: the soonest event (then the lowest campaign id).
      - sub "remind": an event reminder. The client accepted, and `day` is from the last working
        day before the next occurrence (memo.workdays.last_workday_before: over a weekend or a
        holiday that is the Friday, or the day before the break) up to the day before the event.
        One per client and campaign; off once a Contact of that campaign was logged with the
        client on or after that working day (before `day`).
      - ref "campaign:{campaign_id}:{event date}:{sub}"; date the event's date (the occurrence:
        weekly and monthly campaigns come back each time); campaign_name is user text.
    A client handled today stays on today's list (the row shows done from today's contact):
    an invitation moved on from "to invite" today, with no earlier reach for that campaign, is
    still given as "invite"; a reminder answered today is still given. Deleted clients never;
    do-not-call clients are given (the list sets them apart). Sorted by date, campaign, client.

    Query plan: the campaign table is read whole (a few rows; past one-off campaigns are left in
    SQL); then, per campaign in the window, its invitations by `campaign_id = ?` on the unique
    constraint uq_invitation's index (campaign_id, client_id) (sqlite_autoindex_invitation_1),
    the client by its primary key, and the
    "contact of this campaign since" check on ix_contact_client_at (client_id, at). Nothing
    scans the invitation, client or contact tables.
    """
    from memo import workdays

    ahead = int((rules or {}).get("campaign_invite_days", DEFAULT_INVITE_DAYS))
    iso = day.isoformat()
    tomorrow = (day + dt.timedelta(days=1)).isoformat()
    horizon = day + dt.timedelta(days=ahead)
    invites: dict[int, tuple] = {}
    reminds: list[tuple] = []
    campaigns = db.execute(CAMPAIGNS_SQL, (iso,)).fetchall()
    for camp_id, name, on, frequency in campaigns:
        event = next_occurrence(dt.date.fromisoformat(on[:10]), frequency, day)
        if event is None:
            continue
        if event <= horizon:
            for (cid,) in db.execute(INVITE_SQL, (camp_id, iso, tomorrow, iso)):
                item = (cid, "invite", f"campaign:{camp_id}:{event.isoformat()}:invite", event, name, camp_id)
                old = invites.get(cid)
                if old is None or (event, camp_id) < (old[3], old[5]):
                    invites[cid] = item
        call_day = workdays.last_workday_before(event, book)
        if call_day <= day < event:
            for (cid,) in db.execute(REMIND_SQL, (camp_id, call_day.isoformat(), iso)):
                reminds.append((cid, "remind", f"campaign:{camp_id}:{event.isoformat()}:remind", event, name, camp_id))
    out = list(invites.values()) + reminds
    out.sort(key=lambda r: (r[3], r[5], r[0], r[1]))
    return out


def reason_text(sub: str, name: str, date: dt.date, day: dt.date) -> str:
    """A campaign reason as one line in the current language (the name is user text, put in as
    it is: show the result as plain text)."""
    from memo.i18n import t

    days = (date - day).days
    when = t("campaign.why_today") if days == 0 else t("campaign.why_tomorrow") if days == 1 else \
        t("campaign.why_in_days", n=days)
    key = "campaign.why_remind" if sub == "remind" else "campaign.why_invite"
    return t(key, name=name, date=date.isoformat(), when=when)


def to_plain(value: Any) -> Any:
    """Views as JSON-ready values (dates ISO, the rest as they are)."""
    from memo.codes import to_jsonable

    return to_jsonable(value)


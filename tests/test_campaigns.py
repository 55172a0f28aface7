"""Campaigns and events (issue 6): the plan, the invitations, each status a Contact, the today
list's campaign reasons (windows, working days, what handles them, the query plan), the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from memo import campaigns, ops, workdays
from memo.codes import DomainError
from memo.db import Book, open_book
from memo.models import Campaign, Client, Contact

from .conftest import CliRun

DAY = dt.date(2026, 11, 30)  # a Monday
HOSTILE = "[bold]x[/oops] \x1b[31m红\x1b[0m\x1b]0;pwned\x07\x9b2J\r\n$(rm -rf ~)"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


@pytest.fixture
def people(book: Book) -> dict[str, int]:
    ids = {}
    for key, name, number in (("zhang", "张三", "13800138000"), ("li", "李四", "13912345678"),
                              ("wang", "王芳", "13700001111"), ("zhao", "赵敏", "13600002222")):
        ids[key] = ops.add_client(book, name, [number], now=_at(DAY - dt.timedelta(days=60))).id
    return ids


def rows(book: Book) -> dict[str, int]:
    """How many rows each table that campaigns touch holds."""
    with book.raw() as db:
        return {name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in ("campaign", "invitation", "contact", "client")}


def snapshot(book: Book) -> tuple:
    with book.raw() as db:
        return tuple(tuple(db.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall())
                     for name in ("campaign", "invitation", "contact", "client"))


def contacts(book: Book, client_id: int) -> list[Contact]:
    with book.read() as session:
        return list(session.exec(select(Contact).where(Contact.client_id == client_id).order_by(Contact.id)))


def reasons(book: Book, day: dt.date, **rules) -> list[tuple]:  # noqa: ANN003
    with book.raw() as db:
        return campaigns.today_reasons(db, day, rules, book)


def salon(book: Book, on: str | None = "2026-12-05", **kw) -> campaigns.CampaignView:  # noqa: ANN003
    kw.setdefault("method", "salon")
    return campaigns.add_campaign(book, kw.pop("name", "贵金属展销会"), on=on, today=DAY, **kw)


# --- the plan -------------------------------------------------------------------------------------


def save_list(book: Book, name: str, **parts) -> dict:  # noqa: ANN003
    from memo import targets

    f = targets.build_filter(**parts)
    targets.save_list(book, name, f)
    return f.to_dict()


def test_add_a_campaign_with_its_plan(book: Book) -> None:
    gold = save_list(book, "到期大户", tiers=["金卡"], maturing=30)
    view = campaigns.add_campaign(book, "  贵金属展销会 ", theme="金价走高", method="沙龙", on="2026-12-05",
                                  cost="1.2万", frequency="一次", list_name="到期大户", today=DAY)
    assert (view.name, view.theme, view.method, view.on, view.cost_fen, view.frequency) == (
        "贵金属展销会", "金价走高", "salon", dt.date(2026, 12, 5), 1_200_000, "once")
    assert view.target == gold == {"tiers": ["gold"], "maturing_days": 30}
    assert view.target_list == "到期大户"  # the saved list with that filter
    assert view.counts == {s: 0 for s in ("to_invite", "invited", "accepted", "attended", "declined")}
    assert view.next_on == dt.date(2026, 12, 5)
    got = campaigns.get_campaign(book, view.id, DAY)
    assert got.campaign == view and got.invitations == []
    # the date as people say it, read against the day given
    later = campaigns.add_campaign(book, "理财早餐会", method="salon", on="下周六", today=DAY)
    assert later.on == dt.date(2026, 12, 12)
    with book.read() as session:
        stored = session.get(Campaign, view.id)
        assert json.loads(stored.target_filter) == gold  # the filter itself: the list may change or go


@pytest.mark.parametrize("kwargs, code, field", [
    (dict(name="  "), "campaign.need_name", "name"),
    (dict(name="x" * 201), "campaign.name_too_long", "name"),
    (dict(name="x", method="carnival"), "campaign.bad_method", "method"),
    (dict(name="x", frequency="yearly"), "campaign.bad_frequency", "frequency"),
    (dict(name="x", frequency="weekly"), "campaign.need_date", "date"),
    (dict(name="x", cost="lots"), "money.bad_amount", "cost"),
    (dict(name="x", cost="-5"), "money.bad_amount", "cost"),
    (dict(name="x", on="someday"), "when.unknown", "date"),
    (dict(name="x", list_name="没有这个名单"), "campaign.unknown_list", "list"),
    (dict(name="x", target={"colour": "red"}), "campaign.bad_target", "target"),
    (dict(name="x", target=["gold"]), "campaign.bad_target", "target"),
    (dict(name="x", client_ids=[999]), "client.not_found", "clients"),
])
def test_a_bad_plan_changes_nothing(book: Book, kwargs: dict, code: str, field: str) -> None:
    before = snapshot(book)
    name = kwargs.pop("name")
    with pytest.raises(DomainError) as err:
        campaigns.add_campaign(book, name, today=DAY, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)
    assert snapshot(book) == before


def test_edit_a_campaign(book: Book) -> None:
    view = salon(book, cost="5000")
    edited = campaigns.edit_campaign(book, view.id, name="贵金属展销会（二场）", cost="", results="卖出金条 30 万",
                                     frequency="monthly", today=DAY)
    assert (edited.name, edited.cost_fen, edited.results, edited.frequency) == (
        "贵金属展销会（二场）", None, "卖出金条 30 万", "monthly")
    before = snapshot(book)
    for raw, code in ((dict(on=""), "campaign.need_date"), (dict(method="?"), "campaign.bad_method"),
                      (dict(colour="red"), "campaign.bad_field"), (dict(name=""), "campaign.need_name")):
        with pytest.raises(DomainError) as err:
            campaigns.edit_campaign(book, view.id, today=DAY, **raw)
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        campaigns.edit_campaign(book, 999, name="x")
    assert err.value.code == "campaign.not_found"
    assert snapshot(book) == before
    # the saved list: set, then taken off with an empty name
    gold = save_list(book, "金卡客户", tiers=["gold"])
    edited = campaigns.edit_campaign(book, view.id, list_name="金卡客户")
    assert (edited.target, edited.target_list) == (gold, "金卡客户")
    edited = campaigns.edit_campaign(book, view.id, target={"tiers": ["private"]})
    assert (edited.target, edited.target_list) == ({"tiers": ["private"]}, None)
    assert campaigns.edit_campaign(book, view.id, list_name="").target == {}


def test_list_orders_coming_then_undated_then_past(book: Book) -> None:
    past = salon(book, on="2026-10-01", name="国庆沙龙")
    later = salon(book, on="2026-12-20", name="年终答谢会")
    soon = salon(book, on="2026-12-05", name="贵金属展销会")
    undated = salon(book, on=None, name="待定")
    monthly = salon(book, on="2026-10-31", name="理财早餐会", frequency="monthly")
    views = campaigns.list_campaigns(book, DAY)
    assert [v.id for v in views] == [monthly.id, soon.id, later.id, undated.id, past.id]
    assert views[0].next_on == dt.date(2026, 11, 30)  # 31 Oct + 1 month: the last day of November
    assert views[-1].next_on is None


@pytest.mark.parametrize("on, frequency, day, expected", [
    ("2026-12-05", "once", "2026-11-30", "2026-12-05"),
    ("2026-12-05", "once", "2026-12-05", "2026-12-05"),
    ("2026-12-05", "once", "2026-12-06", None),
    ("2026-11-07", "weekly", "2026-11-30", "2026-12-05"),
    ("2026-11-07", "weekly", "2026-12-05", "2026-12-05"),
    ("2026-11-07", "weekly", "2026-12-06", "2026-12-12"),
    ("2026-01-31", "monthly", "2026-02-01", "2026-02-28"),
    ("2026-01-31", "monthly", "2026-03-01", "2026-03-31"),  # from the first date: no drift to the 28th
    ("2026-01-31", "monthly", "2026-04-30", "2026-04-30"),
    ("2026-01-15", "monthly", "2026-11-16", "2026-12-15"),
    ("2027-01-15", "monthly", "2026-11-16", "2027-01-15"),
])
def test_next_occurrence(on: str, frequency: str, day: str, expected: str | None) -> None:
    got = campaigns.next_occurrence(dt.date.fromisoformat(on), frequency, dt.date.fromisoformat(day))
    assert got == (dt.date.fromisoformat(expected) if expected else None)


def test_parsing_words() -> None:
    assert [campaigns.parse_method(w) for w in ("上门", "沙龙", "电话", "短信", "发布会", "", "SMS")] == [
        "visit", "salon", "phone", "sms", "launch", "phone", "sms"]
    assert [campaigns.parse_frequency(w) for w in ("one-off", "每周", "每月", "")] == ["once", "weekly", "monthly", "once"]
    assert [campaigns.parse_channel(w) for w in ("电话", "邮寄", "邮件", "当面", "letter")] == [
        "phone", "letter", "email", "visit", "letter"]
    assert [campaigns.parse_status(w) for w in ("待邀请", "已邀请", "接受", "到场", "婉拒", "TO_INVITE", "to invite")] == [
        "to_invite", "invited", "accepted", "attended", "declined", "to_invite", "to_invite"]
    with pytest.raises(DomainError):
        campaigns.parse_status("")


# --- invitations ------------------------------------------------------------------------------------


def test_invite_puts_clients_on_the_list_once(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    before = rows(book)
    first = campaigns.invite(book, view.id, [people["zhang"], people["li"], people["zhang"]], channel="短信")
    assert first.added == [people["zhang"], people["li"]] and first.already == []
    again = campaigns.invite(book, view.id, [people["li"], people["wang"]], channel="letter")
    assert again.added == [people["wang"]] and again.already == [people["li"]]
    after = rows(book)
    assert after["invitation"] - before["invitation"] == 3
    assert after["contact"] == before["contact"]  # nobody was called yet
    invs = campaigns.get_campaign(book, view.id, DAY).invitations
    assert [(i.name, i.channel, i.status) for i in invs] == [
        ("张三", "sms", "to_invite"), ("李四", "sms", "to_invite"), ("王芳", "letter", "to_invite")]
    assert invs[0].phones == ["13800138000"]
    assert campaigns.get_campaign(book, view.id, DAY).campaign.counts["to_invite"] == 3
    page = campaigns.get_campaign(book, view.id, DAY, limit=2)
    assert len(page.invitations) == 2 and page.more
    assert campaigns.get_campaign(book, view.id, DAY, limit=2, offset=2).invitations[0].name == "王芳"


def test_a_bad_invitation_changes_nothing(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    campaigns.invite(book, view.id, [people["zhang"]])
    ops.delete_client(book, people["zhao"])
    before = snapshot(book)
    cases = [
        (lambda: campaigns.invite(book, view.id, [people["li"], 999]), "client.not_found"),
        (lambda: campaigns.invite(book, view.id, [people["li"], people["zhao"]]), "client.not_found"),
        (lambda: campaigns.invite(book, view.id, []), "campaign.no_clients"),
        (lambda: campaigns.invite(book, 999, [people["li"]]), "campaign.not_found"),
        (lambda: campaigns.invite(book, view.id, [people["li"]], channel="pigeon"), "campaign.bad_channel"),
    ]
    for call, code in cases:
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == code
    assert snapshot(book) == before


def test_add_with_clients_invites_them_in_the_same_write(book: Book, people: dict[str, int]) -> None:
    view = campaigns.add_campaign(book, "贵金属展销会", on="2026-12-05", client_ids=[people["li"], people["zhang"]],
                                  channel="短信", today=DAY)
    assert view.counts["to_invite"] == 2
    assert [(i.client_id, i.channel) for i in campaigns.get_campaign(book, view.id, DAY).invitations] == [
        (people["li"], "sms"), (people["zhang"], "sms")]


def test_invite_a_saved_target_list(book: Book, people: dict[str, int]) -> None:
    """A saved list is resolved when inviting, through memo.targets; its filter becomes the
    campaign's target when it has none; the campaign's own target invites who it matches now."""
    ops.edit_client(book, people["li"], tier="金卡")
    ops.edit_client(book, people["wang"], tier="金卡")
    save_list(book, "金卡客户", tiers=["gold"])
    view = salon(book)
    result = campaigns.invite(book, view.id, [people["zhang"]], list_name="金卡客户", today=DAY)
    assert result.added == [people["zhang"], people["li"], people["wang"]] and result.list_name == "金卡客户"
    got = campaigns.get_campaign(book, view.id, DAY).campaign
    assert (got.target, got.target_list) == ({"tiers": ["gold"]}, "金卡客户")
    # a client who became gold since: the campaign's own target brings them in
    ops.edit_client(book, people["zhao"], tier="金卡")
    again = campaigns.invite(book, view.id, from_target=True, today=DAY)
    assert again.added == [people["zhao"]] and sorted(again.already) == sorted([people["li"], people["wang"]])
    before = snapshot(book)
    for kwargs, code in ((dict(list_name="没有这个"), "campaign.unknown_list"), (dict(list_name=" "), "campaign.no_list")):
        with pytest.raises(DomainError) as err:
            campaigns.invite(book, view.id, [people["zhang"]], **kwargs)
        assert (err.value.code, err.value.field) == (code, "list")
    bare = salon(book, name="无目标")
    with pytest.raises(DomainError) as err:
        campaigns.invite(book, bare.id, from_target=True)
    assert err.value.code == "campaign.no_target"
    assert snapshot(book)[1:] == before[1:]  # (the bare campaign aside) no invitation, no contact


# --- statuses: each one a Contact ---------------------------------------------------------------------


@pytest.mark.parametrize("status, outcome, channel", [
    ("to_invite", "no_answer", "phone"),
    ("invited", "reached", "phone"),
    ("accepted", "reached", "phone"),
    ("attended", "reached", "event"),
    ("declined", "declined", "phone"),
])
def test_each_status_writes_one_contact(book: Book, people: dict[str, int], status: str, outcome: str,
                                        channel: str) -> None:
    view = salon(book)
    cid = people["zhang"]
    campaigns.invite(book, view.id, [cid])
    before = rows(book)
    result = campaigns.set_status(book, view.id, cid, status, note="带太太来", on=DAY, now=_at(DAY, 15))
    after = rows(book)
    assert after["contact"] - before["contact"] == 1 and after["invitation"] == before["invitation"]
    (contact,) = contacts(book, cid)
    assert (contact.campaign_id, contact.outcome, contact.channel, contact.reasons, contact.note, contact.at) == (
        view.id, outcome, channel, "campaign", "带太太来", _at(DAY, 15))
    assert (result.contact_id, result.outcome, result.previous) == (contact.id, outcome, "to_invite")
    assert (result.invitation.status, result.invitation.note) == (status, "带太太来")
    with book.read() as session:
        last = session.get(Client, cid).last_contact_on
    assert last == (None if outcome == "no_answer" else DAY)  # any contact but no answer restarts the clock
    counts = campaigns.get_campaign(book, view.id, DAY).campaign.counts
    assert counts[status] == 1 and sum(counts.values()) == 1


def test_a_whole_story_of_statuses(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    cid = people["li"]
    campaigns.invite(book, view.id, [cid], channel="sms")
    steps = [("invited", "短信已发", DAY), ("accepted", "", DAY + dt.timedelta(days=1)),
             ("attended", "买了金条", dt.date(2026, 12, 5))]
    for status, note, day in steps:
        campaigns.set_status(book, view.id, cid, status, note=note, on=day, now=_at(DAY, 11))
    got = contacts(book, cid)
    assert [(c.outcome, c.channel, c.at.date(), c.campaign_id) for c in got] == [
        ("reached", "sms", DAY, view.id), ("reached", "sms", DAY + dt.timedelta(days=1), view.id),
        ("reached", "event", dt.date(2026, 12, 5), view.id)]
    (inv,) = campaigns.get_campaign(book, view.id, DAY).invitations
    assert (inv.status, inv.note, inv.channel) == ("attended", "买了金条", "sms")  # an empty note keeps the last
    # the channel given is kept on the invitation
    campaigns.set_status(book, view.id, cid, "attended", channel="当面", on=DAY)
    assert campaigns.get_campaign(book, view.id, DAY).invitations[0].channel == "visit"


def test_a_walk_in_who_came_gets_an_invitation(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    result = campaigns.set_status(book, view.id, people["wang"], "attended", on=DAY)
    assert result.previous is None and result.invitation.status == "attended"
    assert campaigns.get_campaign(book, view.id, DAY).campaign.counts["attended"] == 1


def test_a_bad_status_changes_nothing(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    campaigns.invite(book, view.id, [people["zhang"]])
    ops.delete_client(book, people["zhao"])
    before = snapshot(book)
    cases = [
        (dict(campaign_id=view.id, client_id=people["zhang"], status="maybe"), "campaign.bad_status"),
        (dict(campaign_id=view.id, client_id=people["zhang"], status="accepted", channel="pigeon"),
         "campaign.bad_channel"),
        (dict(campaign_id=999, client_id=people["zhang"], status="accepted"), "campaign.not_found"),
        (dict(campaign_id=view.id, client_id=999, status="accepted"), "client.not_found"),
        (dict(campaign_id=view.id, client_id=people["zhao"], status="accepted"), "client.not_found"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as err:
            campaigns.set_status(book, **kwargs)
        assert err.value.code == code
    assert snapshot(book) == before


def test_hostile_text_is_stored_exactly(book: Book, people: dict[str, int]) -> None:
    view = campaigns.add_campaign(book, HOSTILE, theme=HOSTILE, results=HOSTILE, today=DAY)
    campaigns.set_status(book, view.id, people["zhang"], "accepted", note=HOSTILE, on=DAY)
    strip = HOSTILE.strip()
    got = campaigns.get_campaign(book, view.id, DAY)
    assert (got.campaign.name, got.campaign.theme, got.campaign.results) == (strip, strip, strip)
    assert got.invitations[0].note == strip
    assert contacts(book, people["zhang"])[0].note == strip
    assert campaigns.list_campaigns(book, DAY)[0].name == strip


# --- the today list -----------------------------------------------------------------------------------


def test_invitation_calls_come_up_fourteen_days_ahead(book: Book, people: dict[str, int]) -> None:
    view = salon(book, on="2026-12-14")  # DAY + 14
    campaigns.invite(book, view.id, [people["zhang"], people["li"]])
    got = reasons(book, DAY)
    assert got == [(people["zhang"], "invite", f"campaign:{view.id}:2026-12-14:invite", dt.date(2026, 12, 14),
                    "贵金属展销会", view.id),
                   (people["li"], "invite", f"campaign:{view.id}:2026-12-14:invite", dt.date(2026, 12, 14),
                    "贵金属展销会", view.id)]
    assert reasons(book, DAY - dt.timedelta(days=1)) == []  # 15 days ahead: not yet
    assert reasons(book, DAY, campaign_invite_days=7) == []  # the rule
    assert len(reasons(book, dt.date(2026, 12, 14))) == 2  # on the day itself still
    assert reasons(book, dt.date(2026, 12, 15)) == []  # past


def test_one_invitation_call_per_client_the_soonest(book: Book, people: dict[str, int]) -> None:
    later = salon(book, on="2026-12-10", name="年终答谢会")
    sooner = salon(book, on="2026-12-05", name="贵金属展销会")
    campaigns.invite(book, later.id, [people["zhang"], people["li"]])
    campaigns.invite(book, sooner.id, [people["zhang"]])
    got = {(r[0], r[5]) for r in reasons(book, DAY)}
    assert got == {(people["zhang"], sooner.id), (people["li"], later.id)}


def test_an_invitation_handled_today_stays_on_todays_list_then_goes(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    campaigns.invite(book, view.id, [people["zhang"], people["li"]])
    campaigns.set_status(book, view.id, people["zhang"], "invited", on=DAY, now=_at(DAY))
    campaigns.set_status(book, view.id, people["li"], "to_invite", on=DAY, now=_at(DAY))  # no answer
    assert {r[0] for r in reasons(book, DAY)} == {people["zhang"], people["li"]}  # today: shown (done)
    nxt = DAY + dt.timedelta(days=1)
    assert [r[0] for r in reasons(book, nxt)] == [people["li"]]  # still to invite
    # a later change (accepted after invited) does not bring the invite back
    campaigns.set_status(book, view.id, people["zhang"], "accepted", on=nxt, now=_at(nxt))
    assert [(r[0], r[1]) for r in reasons(book, nxt)] == [(people["li"], "invite")]


def test_deleted_clients_never_come_up(book: Book, people: dict[str, int]) -> None:
    view = salon(book)
    campaigns.invite(book, view.id, [people["zhang"], people["zhao"]])
    ops.delete_client(book, people["zhao"])
    assert [r[0] for r in reasons(book, DAY)] == [people["zhang"]]


def test_reminder_the_working_day_before_across_a_weekend(book: Book, people: dict[str, int]) -> None:
    view = salon(book, on="2026-12-07")  # a Monday: the reminder on Friday 12-04
    campaigns.invite(book, view.id, [people["zhang"], people["li"], people["wang"]])
    campaigns.set_status(book, view.id, people["zhang"], "accepted", on=DAY, now=_at(DAY))
    campaigns.set_status(book, view.id, people["wang"], "declined", on=DAY, now=_at(DAY))

    def reminded(day: str) -> list[int]:
        return [r[0] for r in reasons(book, dt.date.fromisoformat(day)) if r[1] == "remind"]

    assert reminded("2026-12-03") == []
    assert reminded("2026-12-04") == [people["zhang"]]
    assert reminded("2026-12-05") == [people["zhang"]]  # the weekend: carried
    assert reminded("2026-12-06") == [people["zhang"]]
    assert reminded("2026-12-07") == []  # the event's day
    (item,) = [r for r in reasons(book, dt.date(2026, 12, 4)) if r[1] == "remind"]
    assert item == (people["zhang"], "remind", f"campaign:{view.id}:2026-12-07:remind", dt.date(2026, 12, 7),
                    "贵金属展销会", view.id)


def test_reminder_across_a_holiday_and_on_a_makeup_working_day(book: Book, people: dict[str, int]) -> None:
    after_holiday = salon(book, on="2026-10-08", name="节后理财沙龙")  # after National Day: 09-30
    after_makeup = salon(book, on="2026-10-12", name="周一讲座")  # Sat 10-10 is a make-up working day
    for view in (after_holiday, after_makeup):
        campaigns.invite(book, view.id, [people["li"]])
        campaigns.set_status(book, view.id, people["li"], "accepted", on=dt.date(2026, 9, 1))
    assert workdays.last_workday_before(dt.date(2026, 10, 8)) == dt.date(2026, 9, 30)

    def reminded(day: str) -> list[int]:
        return [r[5] for r in reasons(book, dt.date.fromisoformat(day)) if r[1] == "remind"]

    assert reminded("2026-09-29") == []
    assert reminded("2026-09-30") == [after_holiday.id]
    assert reminded("2026-10-04") == [after_holiday.id]
    assert reminded("2026-10-09") == []
    assert reminded("2026-10-10") == [after_makeup.id]
    # the book's own days off count: 12-04 off makes the reminder of Monday 12-07 Thursday's
    monday = salon(book, on="2026-12-07", name="答谢会")
    campaigns.set_status(book, monday.id, people["wang"], "accepted", on=DAY)
    workdays.set_override(book, dt.date(2026, 12, 4), False, "停业")
    try:
        assert [r[0] for r in reasons(book, dt.date(2026, 12, 3)) if r[1] == "remind"] == [people["wang"]]
        with book.raw() as db:  # without the book: the shipped calendar only
            assert [r for r in campaigns.today_reasons(db, dt.date(2026, 12, 3), {}) if r[1] == "remind"] == []
    finally:
        workdays.remove_override(book, dt.date(2026, 12, 4))


def test_a_reminder_is_off_once_a_contact_of_the_campaign_was_logged(book: Book, people: dict[str, int]) -> None:
    view = salon(book, on="2026-12-07")
    campaigns.invite(book, view.id, [people["zhang"], people["li"]])
    for cid in (people["zhang"], people["li"]):
        campaigns.set_status(book, view.id, cid, "accepted", on=DAY)
    friday = dt.date(2026, 12, 4)
    campaigns.set_status(book, view.id, people["zhang"], "accepted", note="提醒过了，会来", on=friday, now=_at(friday))
    remind = [r[0] for r in reasons(book, friday) if r[1] == "remind"]
    assert remind == [people["zhang"], people["li"]]  # today: still shown (the row shows done)
    remind = [r[0] for r in reasons(book, dt.date(2026, 12, 5)) if r[1] == "remind"]
    assert remind == [people["li"]]


def test_weekly_campaigns_come_back_each_week(book: Book, people: dict[str, int]) -> None:
    view = salon(book, on="2026-11-07", frequency="weekly", name="周六理财课堂")  # Saturdays
    campaigns.set_status(book, view.id, people["zhao"], "accepted", on=dt.date(2026, 11, 1))
    campaigns.invite(book, view.id, [people["zhang"]])
    friday = [r for r in reasons(book, dt.date(2026, 12, 4))]
    assert {(r[0], r[1], r[3]) for r in friday} == {
        (people["zhao"], "remind", dt.date(2026, 12, 5)), (people["zhang"], "invite", dt.date(2026, 12, 5))}
    next_friday = reasons(book, dt.date(2026, 12, 11))
    assert {r[2] for r in next_friday} == {f"campaign:{view.id}:2026-12-12:remind",
                                           f"campaign:{view.id}:2026-12-12:invite"}


def test_today_reasons_use_indexes(book: Book, people: dict[str, int]) -> None:
    with book.raw() as db:
        plans = {}
        for name, sql, args in (("invite", campaigns.INVITE_SQL, (1, "a", "b", "c")),
                                ("remind", campaigns.REMIND_SQL, (1, "a", "b"))):
            plans[name] = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args)]
    for name, plan in plans.items():
        text = "\n".join(plan)
        assert "SEARCH i USING INDEX sqlite_autoindex_invitation_1 (campaign_id=?)" in text, (name, text)
        assert "SEARCH c USING INTEGER PRIMARY KEY" in text, (name, text)
        assert "SEARCH x USING INDEX ix_contact_client_at (client_id=?" in text, (name, text)
        assert not re.search(r"\bSCAN (i|c|x)\b", text), (name, text)


def test_reason_text() -> None:
    from memo import i18n

    i18n.set_lang("zh")
    assert campaigns.reason_text("invite", "展销会", dt.date(2026, 12, 5), DAY) == "邀请参加「展销会」（2026-12-05，还有5天）"
    i18n.set_lang("en")
    assert campaigns.reason_text("remind", "Salon", dt.date(2026, 12, 1), DAY) == "remind: “Salon” (2026-12-01, tomorrow)"


# --- the command line -----------------------------------------------------------------------------------


class Run(CliRun):
    extra = ("--lang", "en")


@pytest.fixture
def run(capsys: pytest.CaptureFixture, tmp_path: Path) -> Run:
    db = tmp_path / "cli.db"
    book = open_book(db)
    for name, number in (("张三", "13800138000"), ("李四", "13912345678"), ("张三丰", "13700006666")):
        ops.add_client(book, name, [number])
    book.close()
    return Run(capsys, db)


def _db_rows(db: Path) -> dict[str, int]:
    book = open_book(db)
    try:
        return rows(book)
    finally:
        book.close()


def test_cli_add_list_show(run: Run) -> None:
    made = run.json("campaign", "add", "--name", "贵金属展销会", "--theme", "金价", "--method", "沙龙",
                    "--date", "2026-12-05", "--cost", "5万", "--frequency", "once")
    assert {k: made[k] for k in ("id", "name", "theme", "method", "date", "frequency", "cost", "cost_fen",
                                 "next_date", "total")} == {
        "id": 1, "name": "贵金属展销会", "theme": "金价", "method": "salon", "date": "2026-12-05",
        "frequency": "once", "cost": "50000.00", "cost_fen": 5_000_000, "next_date": "2026-12-05", "total": 0}
    assert "Campaign #2 saved" in run.ok("campaign", "add", "--name", "周六课堂", "--date", "2026-11-07",
                                         "--frequency", "weekly")
    listed = run.json("campaign", "list", "--date", "2026-11-30")
    assert [(c["id"], c["next_date"]) for c in listed] == [(1, "2026-12-05"), (2, "2026-12-05")]
    assert listed[0]["counts"] == {"to_invite": 0, "invited": 0, "accepted": 0, "attended": 0, "declined": 0}
    shown = run.json("campaign", "show", "1")
    assert shown["invitations"] == [] and shown["name"] == "贵金属展销会"
    text = run.ok("campaign", "list", "--date", "2026-11-30")
    assert "#1  贵金属展销会  2026-12-05  salon  one-off  to invite 0" in text
    assert "next 2026-12-05" in text


def test_cli_invite_a_saved_list(run: Run) -> None:
    book = open_book(run.db)
    try:
        ops.edit_client(book, 2, tier="私行")
        save_list(book, "私行客户", tiers=["私行"])
    finally:
        book.close()
    run.ok("campaign", "add", "--name", "私行沙龙", "--date", "2026-12-05", "--list", "私行客户")
    got = run.json("campaign", "invite", "1", "--target")
    assert got["added"] == [2]
    got = run.json("campaign", "invite", "1", "8000", "--list", "私行客户")
    assert (got["added"], got["already"], got["list"]) == ([1], [2], "私行客户")
    shown = run.json("campaign", "show", "1")
    assert (shown["target"], shown["target_list"]) == ({"tiers": ["private"]}, "私行客户")
    assert "Target list: 私行客户" in run.ok("campaign", "show", "1")
    assert "No saved target list named “nope”" in run.fails("campaign", "invite", "1", "--list", "nope")[0]


def test_cli_invite_and_status(run: Run) -> None:
    run.ok("campaign", "add", "--name", "贵金属展销会", "--date", "2026-12-05")
    got = run.json("campaign", "invite", "1", "8000", "#2", "--channel", "sms")
    assert (got["added"], got["already"]) == ([1, 2], [])
    assert "1 added to the list, 1 already on it" in run.ok("campaign", "invite", "1", "5678", "#3")
    got = run.json("campaign", "status", "1", "8000", "accepted", "--note", "带太太来", "--date", "2026-12-01")
    assert {k: got[k] for k in ("client_id", "status", "previous", "outcome", "note", "channel", "contact_id")} == {
        "client_id": 1, "status": "accepted", "previous": "to_invite", "outcome": "reached", "note": "带太太来",
        "channel": "sms", "contact_id": 1}
    assert got["at"].startswith("2026-12-01T")
    assert run.ok("campaign", "status", "1", "李四", "declined") == "李四: declined (贵金属展销会)\n"
    shown = run.json("campaign", "show", "1")
    assert shown["counts"] == {"to_invite": 1, "invited": 0, "accepted": 1, "attended": 0, "declined": 1}
    assert [(i["name"], i["status"], i["note"]) for i in shown["invitations"]] == [
        ("张三", "accepted", "带太太来"), ("李四", "declined", ""), ("张三丰", "to_invite", "")]
    text = run.ok("campaign", "show", "1")
    assert "  #1  张三  138 0013 8000  SMS  accepted  带太太来" in text
    masked = run.json("campaign", "show", "1", "--mask")
    assert masked["invitations"][0]["phones"] == ["138****8000"] and masked["masked"]


def test_cli_errors_are_one_line_and_change_nothing(run: Run) -> None:
    run.ok("campaign", "add", "--name", "贵金属展销会", "--date", "2026-12-05")
    run.ok("campaign", "invite", "1", "8000")
    before = _db_rows(run.db)
    cases = [
        (("campaign", "add", "--name", " "), "A campaign needs a name"),
        (("campaign", "add", "--name", "x", "--method", "carnival"), "Unknown method “carnival”"),
        (("campaign", "add", "--name", "x", "--cost", "lots"), "Can't read the amount “lots”"),
        (("campaign", "add", "--name", "x", "--frequency", "weekly"), "needs the date of its first event"),
        (("campaign", "show", "9"), "No campaign #9"),
        (("campaign", "invite", "1"), "Name clients or give --list"),
        (("campaign", "invite", "1", "8000", "4444"), "4444"),
        (("campaign", "invite", "9", "8000"), "No campaign #9"),
        (("campaign", "invite", "1", "5678", "--channel", "pigeon"), "--channel: Unknown channel"),
        (("campaign", "status", "1", "8000", "maybe"), "STATUS: Unknown status “maybe”"),
        (("campaign", "status", "9", "8000", "accepted"), "No campaign #9"),
        (("campaign", "status", "1", "8000", "accepted", "--channel", "pigeon"), "--channel: Unknown channel"),
    ]
    for argv, message in cases:
        lines = run.fails(*argv)
        assert message in lines[0], (argv, lines)
        assert len(lines) == 1
    # an ambiguous client lists the candidates, and nothing is written
    lines = run.fails("campaign", "invite", "1", "8000", "zs")
    assert len(lines) >= 3 and "#1" in "\n".join(lines[1:]) and "#3" in "\n".join(lines[1:])
    assert _db_rows(run.db) == before


def test_cli_hostile_text(run: Run) -> None:
    made = run.json("campaign", "add", "--name", HOSTILE, "--theme", HOSTILE)
    assert made["name"] == HOSTILE.strip()
    run.ok("campaign", "invite", "1", "8000")
    run.ok("campaign", "status", "1", "8000", "accepted", "--note", HOSTILE)
    for argv in (("campaign", "list"), ("campaign", "show", "1"), ("campaign", "status", "1", "8000", "attended")):
        out = run.ok(*argv)
        assert not CONTROL.search(out.replace("\n", "")), argv
        assert "[bold]x[/oops]" in out
    raw = run.ok("campaign", "show", "1", "--json")
    assert not CONTROL.search(raw.replace("\n", ""))
    assert json.loads(raw)["invitations"][0]["note"] == HOSTILE.strip()


def test_today_reasons_need_no_orm(book: Book, people: dict[str, int], tmp_path: Path) -> None:
    """The today list's first page reads straight on sqlite3: so do the campaign reasons."""
    import subprocess
    import sys

    view = salon(book)
    campaigns.invite(book, view.id, [people["zhang"]])
    code = (
        "import sys, datetime as dt\n"
        "from memo.db import Book\n"
        "from memo import campaigns\n"
        f"book = Book({str(book.path)!r})\n"
        "with book.raw() as db:\n"
        "    got = campaigns.today_reasons(db, dt.date(2026, 11, 30), {}, book)\n"
        "assert [r[1] for r in got] == ['invite'], got\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'memo.models', 'textual') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

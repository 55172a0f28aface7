"""The today engine (memo.agenda): every reason kind and its window edges on the 2026 working-day
calendar, carry-over, ranking, filters and paging, rules from settings, the seed's three stories,
the indexed lookups checked against a naive recomputation, and the query plans."""

from __future__ import annotations

import datetime as dt
import contextlib
import itertools
import re
import sqlite3
import threading
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memo import agenda, calls, i18n, lunar, money, ops, workdays
from memo.agenda import compute
from memo.db import Book
from memo.models import Client, Deposit, REASON_KINDS
from tests.conftest import TODAY

D = dt.date
CREATED = dt.datetime(2026, 11, 1, 9, 0)
_phones = itertools.count(1)


# --- helpers ---------------------------------------------------------------------------------------


def client(book: Book, tier: str = "regular", birthday: str = "", created: dt.datetime = CREATED,
           name: str | None = None) -> int:
    n = next(_phones)
    return ops.add_client(book, name or f"客户{n}", [f"139{n:08d}"], tier=tier, birthday=birthday, now=created).id


def row_of(book: Book, day: dt.date, cid: int, **kw) -> agenda.Row | None:
    for row in compute(book, day, **kw).rows:
        if row.client_id == cid:
            return row
    return None


def reasons(book: Book, day: dt.date, cid: int) -> list[agenda.Reason]:
    row = row_of(book, day, cid)
    return row.reasons if row else []


def tags(book: Book, day: dt.date, cid: int) -> set[tuple[str, str]]:
    return {(r.kind, r.sub) for r in reasons(book, day, cid)}


def one(book: Book, day: dt.date, cid: int, kind: str, sub: str = "") -> agenda.Reason:
    found = [r for r in reasons(book, day, cid) if (r.kind, r.sub) == (kind, sub)]
    assert len(found) == 1, (day, kind, sub, reasons(book, day, cid))
    return found[0]


def call(book: Book, cid: int, outcome: str, day: dt.date, hour: int = 10, **kw) -> calls.CallResult:
    return calls.log_call(book, cid, outcome, now=dt.datetime.combine(day, dt.time(hour)), **kw)


def deposit(book: Book, cid: int, maturity: dt.date, amount: str = "500000", rollover: bool = False,
            term: str = "1y") -> money.DepositView:
    months = money.parse_term(term)
    view = money.add_deposit(book, cid, amount, maturity - relativedelta(months=months), term=term,
                             rollover=rollover, today=maturity)
    assert view.maturity == maturity
    return view


def days(first: dt.date, last: dt.date):  # noqa: ANN201
    x = first
    while x <= last:
        yield x
        x += dt.timedelta(days=1)


def parts(reason: agenda.Reason) -> dict[str, int]:
    return dict(reason.parts)


# --- maturities ------------------------------------------------------------------------------------

# maturity, the first day it is on the list (T-7 working days), the confirm day (last working day
# before), on the 2026 official calendar: 9-20 (Sun) and 10-10 (Sat) are make-up working days for
# 中秋/国庆 (9-25..27 and 10-1..7 off); 2-14 (Sat) and 2-28 (Sat) for 春节 (2-15..23 off).
WINDOWS = [
    (D(2026, 12, 7), D(2026, 11, 26), D(2026, 12, 4)),  # a Monday: the weekend is not counted
    (D(2026, 12, 6), D(2026, 11, 26), D(2026, 12, 4)),  # a Sunday: confirm on the Friday before
    (D(2026, 9, 28), D(2026, 9, 17), D(2026, 9, 24)),  # after 中秋; the make-up Sunday 9-20 counts
    (D(2026, 10, 3), D(2026, 9, 21), D(2026, 9, 30)),  # a Saturday inside 国庆
    (D(2026, 10, 9), D(2026, 9, 22), D(2026, 10, 8)),  # across both holidays
    (D(2026, 10, 10), D(2026, 9, 23), D(2026, 10, 9)),  # on the make-up Saturday itself
    (D(2026, 10, 12), D(2026, 9, 24), D(2026, 10, 10)),  # confirm on the make-up Saturday
    (D(2026, 2, 17), D(2026, 2, 6), D(2026, 2, 14)),  # on 春节 itself
    (D(2026, 2, 24), D(2026, 2, 6), D(2026, 2, 14)),  # the first working day after 春节
    (D(2026, 3, 2), D(2026, 2, 13), D(2026, 2, 28)),  # confirm on the make-up Saturday 2-28
]


@pytest.mark.parametrize("maturity, first, confirm", WINDOWS, ids=[str(w[0]) for w in WINDOWS])
def test_maturity_window_in_working_days(book: Book, maturity: dt.date, first: dt.date, confirm: dt.date) -> None:
    cid = client(book)
    dep = deposit(book, cid, maturity)
    ref = f"deposit:{dep.id}:{maturity.isoformat()}"
    for day in days(first - dt.timedelta(days=3), maturity + dt.timedelta(days=1)):
        got = {(r.sub, r.ref): r for r in reasons(book, day, cid)}
        main = got.get(("", ref))
        if day < first or day > maturity:
            assert main is None, day
        else:
            assert main is not None, day
            assert main.date == maturity and main.days == (maturity - day).days
            assert main.overdue == (day - first).days, day  # carried over since it came up
            assert main.amount_fen == 500_000_00
        assert (("confirm", ref + ":confirm") in got) == (confirm <= day < maturity), day
    # 7 working days left when it comes up; a maturity on a day the bank is shut: call by the day before
    call_by = None if maturity in (D(2026, 12, 7), D(2026, 9, 28), D(2026, 10, 9), D(2026, 10, 10),
                                   D(2026, 10, 12), D(2026, 2, 24), D(2026, 3, 2)) else confirm.isoformat()
    assert one(book, first, cid, "maturity").extra == (7, call_by)
    assert "urgency" not in parts(one(book, first, cid, "maturity"))
    assert one(book, confirm, cid, "maturity").extra == (1, call_by)
    i18n.set_lang("en")
    shown = agenda.detail(one(book, first, cid, "maturity"))
    assert shown.endswith("7 working days left" + (f" (not a working day: call by {call_by})" if call_by else ""))
    assert "call by" not in agenda.detail(one(book, maturity, cid, "maturity"))  # the day itself: today
    assert one(book, maturity, cid, "maturity").days == 0
    assert one(book, maturity + dt.timedelta(days=1), cid, "maturity", "demand").date == maturity


def test_maturity_urgency_grows_as_the_day_nears(book: Book) -> None:
    cid = client(book)
    deposit(book, cid, D(2026, 12, 8))
    scores = [one(book, day, cid, "maturity").score for day in
              (D(2026, 11, 27), D(2026, 11, 30), D(2026, 12, 2), D(2026, 12, 4), D(2026, 12, 8))]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert parts(one(book, D(2026, 12, 8), cid, "maturity"))["urgency"] == 35  # 7 working days x 0.5


def test_rollover_ranks_lower_and_has_no_demand_reason(book: Book) -> None:
    plain, rolling = client(book), client(book)
    deposit(book, plain, D(2026, 12, 8))
    deposit(book, rolling, D(2026, 12, 8), rollover=True)
    a = one(book, TODAY, plain, "maturity")
    b = one(book, TODAY, rolling, "maturity", "rollover")
    assert parts(a)["w:maturity"] == 100 and parts(b)["w:maturity_rollover"] == 50
    assert b.score < a.score
    rows = compute(book, TODAY).rows
    assert [r.client_id for r in rows] == [plain, rolling]
    after = D(2026, 12, 9)
    assert tags(book, after, plain) == {("maturity", "demand")}
    assert tags(book, after, rolling) == set()


@pytest.mark.parametrize("start, term, day, expected", [
    (D(2026, 8, 31), "1m", TODAY, D(2026, 11, 30)),  # 3rd period: 9-30, 10-31, 11-30 (clamped)
    (D(2024, 1, 31), "1m", D(2026, 2, 24), D(2026, 2, 28)),  # 26th period, clamped to February
    (D(2025, 11, 30), "3m", TODAY, D(2026, 11, 30)),  # 2-28 (clamped), 5-30, 8-30, 11-30: no drift
    (D(2024, 2, 29), "1y", D(2026, 2, 24), D(2026, 2, 28)),  # a leap day start
    (D(2023, 12, 5), "6m", D(2026, 12, 1), D(2026, 12, 5)),  # 6th period, on a Saturday
])
def test_rolling_deposit_found_by_its_chain_keys(book: Book, start: dt.date, term: str, day: dt.date,
                                                 expected: dt.date) -> None:
    cid = client(book)
    dep = money.add_deposit(book, cid, "300000", start, term=term, rollover=True)
    assert dep.maturity < day  # its first maturity is long past: only the chain keys find it
    reason = one(book, day, cid, "maturity", "rollover")
    assert reason.date == expected and reason.ref == f"deposit:{dep.id}:{expected.isoformat()}"
    assert money.next_maturity_of(start, money.parse_term(term), dep.maturity, True, day)[0] == expected
    # the next period is far away: nothing once this one is past, and no demand reason
    assert tags(book, expected + dt.timedelta(days=1), cid) == set()


def test_rolling_deposit_with_a_given_first_maturity(book: Book) -> None:
    cid = client(book)
    dep = money.add_deposit(book, cid, "300000", "2026-01-10", term="3m", maturity="2026-04-15", rollover=True)
    # the given date anchors the chain: 7-15, 10-15 (and not 7-10, 10-10)
    assert one(book, D(2026, 10, 9), cid, "maturity", "rollover").date == D(2026, 10, 15)
    assert dep.id


def test_non_active_deposits_are_not_reasons(book: Book) -> None:
    cid = client(book)
    dep = deposit(book, cid, D(2026, 12, 3))
    assert tags(book, TODAY, cid) == {("maturity", "")}
    money.close_deposit(book, dep.id, "withdrawn", on=TODAY)
    assert tags(book, TODAY, cid) == set()
    assert tags(book, D(2026, 12, 4), cid) == set()  # withdrawn: no demand reason either


def test_demand_account_for_seven_days_unless_reached(book: Book) -> None:
    cid, other = client(book), client(book)
    deposit(book, cid, D(2026, 12, 8))
    deposit(book, other, D(2026, 12, 8))
    for day in days(D(2026, 12, 9), D(2026, 12, 15)):
        demand = one(book, day, cid, "maturity", "demand")
        assert demand.overdue == (day - D(2026, 12, 8)).days
        assert parts(demand)["w:maturity_demand"] == 90
    assert tags(book, D(2026, 12, 16), cid) == set()
    call(book, other, "reached", D(2026, 12, 10))
    assert row_of(book, D(2026, 12, 10), other).status == "reached"
    assert ("maturity", "demand") in tags(book, D(2026, 12, 10), other)  # shown done today
    assert tags(book, D(2026, 12, 11), other) == set()


def test_a_reach_at_t7_leaves_the_confirm_call(book: Book) -> None:
    cid = client(book)
    deposit(book, cid, D(2026, 12, 8))
    call(book, cid, "reached", D(2026, 11, 30))
    assert tags(book, D(2026, 12, 1), cid) == set()  # the T-7 call is done
    assert tags(book, D(2026, 12, 7), cid) == {("maturity", "confirm")}  # T-1: confirm the plan
    call(book, cid, "reached", D(2026, 12, 7))
    assert tags(book, D(2026, 12, 8), cid) == set()
    # not rolled over and nobody talked to the client since it matured: the money is waiting
    assert tags(book, D(2026, 12, 9), cid) == {("maturity", "demand")}
    call(book, cid, "reached", D(2026, 12, 9))
    assert tags(book, D(2026, 12, 10), cid) == set()


def test_a_reach_on_the_maturity_day_leaves_no_demand_reason(book: Book) -> None:
    cid = client(book)
    deposit(book, cid, D(2026, 12, 8))
    call(book, cid, "reached", D(2026, 12, 8))
    assert tags(book, D(2026, 12, 9), cid) == set()


# --- birthdays and key dates -----------------------------------------------------------------------


def test_birthday_coming_up_on_the_day_carried_over_then_gone(book: Book) -> None:
    cid = client(book, birthday="1980-12-01")
    assert tags(book, D(2026, 11, 27), cid) == set()
    for day, left in ((D(2026, 11, 28), 3), (D(2026, 11, 29), 2), (D(2026, 11, 30), 1)):
        soon = one(book, day, cid, "birthday", "soon")
        assert soon.days == left and soon.date == D(2026, 12, 1) and soon.ref == "birthday:2026-12-01:soon"
    on = one(book, D(2026, 12, 1), cid, "birthday")
    assert (on.days, on.overdue, on.ref, on.extra[0]) == (0, 0, "birthday:2026-12-01", 46)
    assert on.score > one(book, D(2026, 11, 30), cid, "birthday", "soon").score
    for late in range(1, 8):
        carried = one(book, D(2026, 12, 1) + dt.timedelta(days=late), cid, "birthday")
        assert carried.overdue == late and carried.date == D(2026, 12, 1)
    assert tags(book, D(2026, 12, 9), cid) == set()


def test_birthday_reached_is_done_then_gone(book: Book) -> None:
    early, late = client(book, birthday="12-01"), client(book, birthday="12-01")
    call(book, early, "reached", D(2026, 11, 30))  # a call the day before is not the birthday call
    assert ("birthday", "") in tags(book, D(2026, 12, 1), early)
    call(book, late, "reached", D(2026, 12, 3))
    assert row_of(book, D(2026, 12, 3), late).done
    assert ("birthday", "") in tags(book, D(2026, 12, 3), late)
    assert tags(book, D(2026, 12, 4), late) == set()


def test_round_age_birthday_scores_more(book: Book) -> None:
    fifty, other = client(book, birthday="1976-12-01"), client(book, birthday="1977-12-01")
    a, b = one(book, D(2026, 12, 1), fifty, "birthday"), one(book, D(2026, 12, 1), other, "birthday")
    assert parts(a)["w:round_age"] == 30 and "w:round_age" not in parts(b)
    assert a.score == b.score + 30


def test_feb_29_birthday_in_common_and_leap_years(book: Book) -> None:
    cid = client(book, birthday="2000-02-29")
    assert one(book, D(2026, 2, 25), cid, "birthday", "soon").date == D(2026, 2, 28)
    on = one(book, D(2026, 2, 28), cid, "birthday")
    assert on.date == D(2026, 2, 28) and on.days == 0
    assert one(book, D(2026, 3, 1), cid, "birthday").overdue == 1
    assert one(book, D(2028, 2, 28), cid, "birthday", "soon").date == D(2028, 2, 29)
    assert one(book, D(2028, 2, 29), cid, "birthday").days == 0


def test_lunar_birthday(book: Book) -> None:
    cid = client(book, birthday="农历八月十五")
    on = one(book, D(2026, 9, 25), cid, "lunar_birthday")  # 中秋 2026
    assert on.date == D(2026, 9, 25) == lunar.lunar_to_solar(2026, 8, 15)
    assert on.extra[1:] == (8, 15, False)
    assert one(book, D(2026, 9, 23), cid, "lunar_birthday", "soon").days == 2
    assert ("birthday", "") not in tags(book, D(2026, 9, 25), cid)


def test_leap_month_lunar_birthday(book: Book) -> None:
    leap = client(book, birthday="农历闰六月初一")
    plain = client(book, birthday="农历六月初一")
    assert lunar.leap_month(2025) == 6 and lunar.leap_month(2026) == 0
    # 2025 has 闰六月: each uses its own month
    assert one(book, D(2025, 7, 25), leap, "lunar_birthday").date == lunar.lunar_to_solar(2025, 6, 1, True)
    assert ("lunar_birthday", "") not in tags(book, D(2025, 7, 25), plain)
    assert one(book, D(2025, 6, 25), plain, "lunar_birthday").date == lunar.lunar_to_solar(2025, 6, 1)
    assert ("lunar_birthday", "") not in tags(book, D(2025, 6, 25), leap)
    # 2026 has none: the leap-month birthday falls in the regular 六月
    day = lunar.lunar_to_solar(2026, 6, 1)
    assert day == D(2026, 7, 14)
    assert one(book, day, leap, "lunar_birthday").extra[1:] == (6, 1, True)
    assert one(book, day, plain, "lunar_birthday").extra[1:] == (6, 1, False)


def test_lunar_day_30_in_a_29_day_month(book: Book) -> None:
    cid = client(book, birthday="农历二月三十")
    short = [m for m in lunar.month_table(2026) if (m.month, m.leap) == (2, False)][0]
    long_ = [m for m in lunar.month_table(2027) if (m.month, m.leap) == (2, False)][0]
    assert (short.length, long_.length) == (29, 30)
    assert one(book, short.last, cid, "lunar_birthday").date == D(2026, 4, 16)  # 二月廿九
    assert one(book, long_.last, cid, "lunar_birthday").date == D(2027, 4, 6)  # 二月三十
    assert ("lunar_birthday", "") not in tags(book, long_.last - dt.timedelta(days=1), cid)


def test_key_date_solar_and_lunar(book: Book) -> None:
    cid = client(book)
    kd = money.add_keydate(book, cid, "结婚纪念日", "1999-12-02", today=TODAY)
    lunar_kd = money.add_keydate(book, cid, "公司周年", "农历正月初八", today=TODAY)
    assert tags(book, D(2026, 12, 1), cid) == set()  # no "coming up" for key dates
    on = one(book, D(2026, 12, 2), cid, "key_date")
    assert (on.text, on.extra[0], on.ref) == ("结婚纪念日", 27, f"keydate:{kd.id}:2026-12-02")
    assert one(book, D(2026, 12, 9), cid, "key_date").overdue == 7
    assert tags(book, D(2026, 12, 10), cid) == set()
    day = D(2027, 2, 13)  # 正月初八 2027 (春节 2-6)
    assert day == lunar.lunar_to_solar(2027, 1, 8)
    got = one(book, day, cid, "key_date")
    assert got.text == "公司周年" and got.ref == f"keydate:{lunar_kd.id}:2027-02-13"


def test_key_date_not_before_its_year(book: Book) -> None:
    """A date planned ahead (an opening next year) has no anniversary before it happens."""
    cid = client(book)
    money.add_keydate(book, cid, "新店开业", "2027-11-30", today=TODAY)
    assert tags(book, D(2026, 11, 30), cid) == set()
    first = one(book, D(2027, 11, 30), cid, "key_date")
    assert first.extra[0] == 0
    assert one(book, D(2028, 11, 30), cid, "key_date").extra[0] == 1


# --- festivals -------------------------------------------------------------------------------------


def test_festival_for_top_tiers_from_the_working_day_before(book: Book) -> None:
    ids = {tier: client(book, tier=tier) for tier in ("private", "diamond", "platinum", "gold", "regular")}
    cases = [  # festival, day before the window, the working day before, the festival
        ("mid_autumn", D(2026, 9, 23), D(2026, 9, 24), D(2026, 9, 25)),
        ("national", D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 1)),
        ("spring", D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 17)),  # 2-14: make-up Saturday
        ("new_year", D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1)),
    ]
    for key, before, call_day, fest in cases:
        ref = f"festival:{key}:{fest.isoformat()}"
        for tier, cid in ids.items():
            top = tier in ("private", "diamond", "platinum")
            assert ref not in {r.ref for r in reasons(book, before, cid)}, (key, tier)
            for day in days(call_day, fest):
                assert (ref in {r.ref for r in reasons(book, day, cid)}) == top, (key, tier, day)
            assert ref not in {r.ref for r in reasons(book, fest + dt.timedelta(days=1), cid)}


def test_festival_handled_by_a_reach_and_tiers_from_settings(book: Book) -> None:
    private, platinum = client(book, tier="private"), client(book, tier="platinum")
    call(book, private, "reached", D(2026, 9, 24))
    assert ("festival", "") in tags(book, D(2026, 9, 24), private)  # done today
    assert ("festival", "") not in tags(book, D(2026, 9, 25), private)
    assert ("festival", "") in tags(book, D(2026, 9, 25), platinum)
    ops.put_setting(book, "today_rules", {"festival_tiers": ["private"]})
    assert ("festival", "") not in tags(book, D(2026, 9, 25), platinum)
    ops.put_setting(book, "today_rules", {"festivals": ["national"]})
    assert ("festival", "") not in tags(book, D(2026, 9, 25), platinum)
    assert ("festival", "") in tags(book, D(2026, 9, 30), platinum)


# --- memos -----------------------------------------------------------------------------------------


def test_request_due_today_overdue_and_future(book: Book) -> None:
    cid = client(book)
    today = ops.jot(book, "要2万美元现金", cid, due=TODAY, now=dt.datetime(2026, 11, 20, 9)).memo
    late = ops.jot(book, "开存款证明", cid, due=D(2026, 11, 26), now=dt.datetime(2026, 11, 20, 9)).memo
    ops.jot(book, "新钞", cid, due=D(2026, 11, 30), now=dt.datetime(2026, 11, 20, 9))
    ops.jot(book, "下个月开饭店", cid, kind="fact", due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    got = {r.ref: r for r in reasons(book, TODAY, cid)}
    assert set(got) == {f"memo:{today.id}", f"memo:{late.id}"}
    assert (got[f"memo:{today.id}"].overdue, got[f"memo:{late.id}"].overdue) == (0, 3)
    assert got[f"memo:{late.id}"].text == "开存款证明"
    assert got[f"memo:{late.id}"].score > got[f"memo:{today.id}"].score
    ops.resolve_memo(book, today.id, "已备好")
    ops.drop_memo(book, late.id, "客户不要了")
    assert tags(book, TODAY, cid) == set()


def test_request_without_due_date_comes_up_at_seven_days(book: Book) -> None:
    seven, six, eight = client(book), client(book), client(book)
    ops.jot(book, "想买的理财售罄，到货通知", seven, now=dt.datetime(2026, 11, 22, 16, 30))
    ops.jot(book, "想换新钞", six, now=dt.datetime(2026, 11, 23, 9, 0))
    ops.jot(book, "USD", eight, now=dt.datetime(2026, 11, 21, 9, 0))
    first = one(book, TODAY, seven, "request", "no_due")
    assert (first.extra, first.overdue, first.date) == ((7,), 0, TODAY)
    assert tags(book, TODAY, six) == set()
    assert one(book, TODAY, eight, "request", "no_due").overdue == 1
    assert one(book, D(2026, 11, 30), six, "request", "no_due").overdue == 0


def test_callback_due_and_memo_without_client(book: Book) -> None:
    cid = client(book)
    due = ops.jot(book, "理财经理回电", cid, kind="callback", due=TODAY, now=dt.datetime(2026, 11, 20, 9)).memo
    ops.jot(book, "明天回电", cid, kind="callback", due=D(2026, 11, 30), now=dt.datetime(2026, 11, 20, 9))
    assert [r.ref for r in reasons(book, TODAY, cid)] == [f"memo:{due.id}"]
    assert one(book, TODAY, cid, "callback").text == "理财经理回电"
    bare = ops.jot(book, "有人问大额存单", None, due=TODAY, now=dt.datetime(2026, 11, 20, 9)).memo
    rows = [r for r in compute(book, TODAY).rows if r.client_id is None]
    assert [(r.memo_id, r.kinds) for r in rows] == [(bare.id, ["request"])]


def test_deleted_clients_have_no_row(book: Book) -> None:
    cid = client(book, birthday="11-29")
    ops.jot(book, "USD", cid, due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    deposit(book, cid, D(2026, 12, 1))
    assert row_of(book, TODAY, cid) is not None
    ops.delete_client(book, cid)
    assert compute(book, TODAY).all_total == 0


# --- holdings --------------------------------------------------------------------------------------


def test_holding_crossed_untold_then_told_then_crossed_again(book: Book) -> None:
    cid = client(book)
    h = money.add_holding(book, cid, "稳健理财1号", "200000", "1.0000", "2026-06-01", take_profit="10",
                          stop_loss="5")
    money.price_holding(book, h.id, "1.0500", on=D(2026, 11, 26))
    assert tags(book, TODAY, cid) == set()
    money.price_holding(book, h.id, "1.1000", on=D(2026, 11, 27))  # +10%: exactly on the line
    got = one(book, TODAY, cid, "holding", "take_profit")
    assert (got.text, got.amount_fen, got.date) == ("稳健理财1号", 200_000_00, D(2026, 11, 27))
    result = call(book, cid, "reached", TODAY)
    assert result.told_holdings == [h.id]
    assert ("holding", "take_profit") in tags(book, TODAY, cid)  # the done row keeps it today
    assert tags(book, D(2026, 11, 30), cid) == set()
    money.price_holding(book, h.id, "1.1200", on=D(2026, 11, 30))  # still above: the same crossing
    assert tags(book, D(2026, 11, 30), cid) == set()
    money.price_holding(book, h.id, "0.9400", on=D(2026, 12, 1))  # a new crossing: stop-loss
    assert one(book, D(2026, 12, 1), cid, "holding", "stop_loss").date == D(2026, 12, 1)
    call(book, cid, "no_answer", D(2026, 12, 1))
    assert ("holding", "stop_loss") in tags(book, D(2026, 12, 2), cid)  # no answer tells nothing


# --- cadence ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tier, every", [("private", 30), ("diamond", 30), ("platinum", 90), ("gold", 180)])
def test_cadence_per_tier(book: Book, tier: str, every: int) -> None:
    due, not_yet = client(book, tier=tier, created=dt.datetime(2025, 1, 2)), client(
        book, tier=tier, created=dt.datetime(2025, 1, 2))
    call(book, due, "reached", TODAY - dt.timedelta(days=every + 1))
    call(book, not_yet, "reached", TODAY - dt.timedelta(days=every))
    got = one(book, TODAY, due, "cadence")
    assert got.extra == (every + 1, every, tier) and got.overdue == 1
    assert ("cadence", "") not in tags(book, TODAY, not_yet)
    assert one(book, TODAY + dt.timedelta(days=1), not_yet, "cadence").overdue == 1


def test_cadence_never_contacted_and_regular_tier(book: Book) -> None:
    old = client(book, tier="private", created=dt.datetime(2026, 10, 29, 9))
    new = client(book, tier="private", created=dt.datetime(2026, 10, 30, 9))
    regular = client(book, tier="regular", created=dt.datetime(2020, 1, 1))
    assert one(book, TODAY, old, "cadence", "never").extra == (31, 30, "private")
    assert tags(book, TODAY, new) == set()
    assert tags(book, TODAY, regular) == set()


def test_cadence_any_reach_restarts_no_answer_does_not(book: Book) -> None:
    a, b = (client(book, tier="private", created=dt.datetime(2025, 1, 2)) for _ in range(2))
    call(book, a, "reached", D(2026, 10, 20))
    call(book, b, "reached", D(2026, 10, 20))
    call(book, a, "no_answer", D(2026, 11, 25))
    call(book, b, "declined", D(2026, 11, 10))
    assert one(book, TODAY, a, "cadence").extra[0] == 40
    assert tags(book, TODAY, b) == set()
    call(book, a, "reached", TODAY)
    row = row_of(book, TODAY, a)
    assert row.done and row.kinds == ["cadence"]  # judged as of before today's call
    assert tags(book, D(2026, 11, 30), a) == set()


# --- carry-over ------------------------------------------------------------------------------------


def test_reasons_carry_over_marked_overdue(book: Book) -> None:
    i18n.set_lang("en")
    cid = client(book, birthday="11-27")
    ops.jot(book, "USD cash", cid, due=D(2026, 11, 27), now=dt.datetime(2026, 11, 20, 9))
    deposit(book, cid, D(2026, 12, 8))
    for day in (D(2026, 11, 27), D(2026, 11, 28), TODAY, D(2026, 11, 30)):
        late = (day - D(2026, 11, 27)).days
        got = {r.kind: r for r in reasons(book, day, cid)}
        assert got["request"].overdue == late and got["birthday"].overdue == late
        assert got["maturity"].overdue == late  # came up on 11-27 (T-7 working days)
        if late:
            assert f"({late}d overdue)" in agenda.detail(got["request"])
            # a maturity says how many days are left instead: "overdue" would read as a late deposit
            assert "overdue" not in agenda.detail(got["maturity"])
        else:
            assert "overdue" not in agenda.detail(got["request"])


# --- ranking ---------------------------------------------------------------------------------------


def test_bigger_amounts_and_nearer_maturities_rank_higher(book: Book) -> None:
    small, big, near = client(book), client(book), client(book)
    deposit(book, small, D(2026, 12, 8), amount="100000")
    deposit(book, big, D(2026, 12, 8), amount="1000000")
    deposit(book, near, D(2026, 12, 2), amount="100000")
    rows = compute(book, TODAY).rows
    assert [r.client_id for r in rows] == [big, near, small]
    by = {r.client_id: r for r in rows}
    assert by[big].score - by[small].score == 90  # amount: 10 vs 1 point
    assert by[near].score - by[small].score == parts(by[near].reasons[0])["urgency"] - parts(
        by[small].reasons[0]).get("urgency", 0) > 0
    capped = client(book)
    deposit(book, capped, D(2026, 12, 8), amount="50000000")
    assert parts(one(book, TODAY, capped, "maturity"))["amount"] == 100  # capped at 10 points


def test_tier_points(book: Book) -> None:
    ids = {tier: client(book, tier=tier) for tier in ("regular", "gold", "platinum", "diamond", "private")}
    for cid in ids.values():
        ops.jot(book, "USD", cid, due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    rows = compute(book, TODAY).rows
    assert [r.tier for r in rows[:3]] == ["private", "diamond", "platinum"]
    assert [r.tier_points for r in rows] == [30, 20, 10, 0, 0]
    assert rows[0].score - rows[-1].score == 30
    assert [rows[3].client_id, rows[4].client_id] == [ids["regular"], ids["gold"]]  # a tie: by id


def test_ties_break_deterministically(book: Book) -> None:
    a, b, c = client(book), client(book), client(book)
    # urgency capped: the same score, the older date first whatever the ids
    ops.jot(book, "x", c, due=D(2026, 10, 1), now=dt.datetime(2026, 9, 1, 9))
    ops.jot(book, "x", b, due=D(2026, 10, 20), now=dt.datetime(2026, 9, 1, 9))
    ops.jot(book, "x", a, due=D(2026, 10, 20), now=dt.datetime(2026, 9, 1, 9))
    first = compute(book, TODAY).rows
    assert len({r.score for r in first}) == 1
    assert [r.client_id for r in first] == [c, a, b]
    for _ in range(3):
        assert [r.client_id for r in compute(book, TODAY).rows] == [c, a, b]


def test_score_is_the_sum_of_its_breakdown(book: Book) -> None:
    i18n.set_lang("en")
    cid = client(book, tier="private", birthday="1976-11-29", created=dt.datetime(2025, 1, 1))
    deposit(book, cid, D(2026, 12, 1), amount="800000")
    ops.jot(book, "USD", cid, due=D(2026, 11, 20), now=dt.datetime(2026, 11, 1, 9))
    h = money.add_holding(book, cid, "金", "100000", "1", "2026-01-01", stop_loss="5")
    money.price_holding(book, h.id, "0.9", on=D(2026, 11, 27))
    row = row_of(book, TODAY, cid)
    assert set(row.kinds) == {"maturity", "birthday", "request", "holding", "cadence"}
    assert row.score == row.tier_points + sum(v for r in row.reasons for _, v in r.parts)
    lines = agenda.breakdown(row)
    assert lines[-1] == (f"total {agenda.points(row.score)}", "")
    indented = [float(v) for what, v in lines if what.startswith("    ")]
    tier = [float(v) for what, v in lines if what.startswith("tier")]
    assert round((sum(indented) + sum(tier)) * 10) == row.score
    per_reason = [float(v) for what, v in lines[:-1] if not what.startswith(("    ", "tier"))]
    assert round(sum(per_reason) * 10) == row.score - row.tier_points
    assert [r.score for r in row.reasons] == sorted((r.score for r in row.reasons), reverse=True)
    # privacy mode: an amount's points would tell the amount (one a 10万): hidden as amounts are
    hidden = agenda.breakdown(row, privacy=True)
    assert len(hidden) == len(lines) and ("    amount", "***") in hidden
    for (what, v), (_, shown) in zip(hidden, lines):
        assert v == ("***" if what == "    amount" else shown)  # only the amount's points


def test_points_format() -> None:
    assert [agenda.points(x) for x in (0, 5, 125, 100, -15)] == ["0.0", "0.5", "12.5", "10.0", "-1.5"]


def test_do_not_call_rows_come_last_and_are_counted_apart(book: Book) -> None:
    rich, plain = client(book, tier="private"), client(book)
    deposit(book, rich, TODAY + dt.timedelta(days=1), amount="9000000")
    ops.jot(book, "USD", plain, due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    ops.edit_client(book, rich, do_not_call=True, call_hours="9-11点")
    got = compute(book, TODAY)
    assert [r.client_id for r in got.rows] == [plain, rich]
    assert got.rows[1].do_not_call and got.rows[1].score > got.rows[0].score
    assert (got.todo, got.done, got.do_not_call, got.all_total) == (1, 0, 1, 2)
    assert got.rows[1].call_hours == "9-11点"


def test_done_and_waiting_rows_sort_after_the_rest(book: Book) -> None:
    a, b, c = client(book), client(book), client(book)
    for cid, amount in ((a, "900000"), (b, "500000"), (c, "100000")):
        deposit(book, cid, D(2026, 12, 1), amount=amount)
    call(book, a, "reached", TODAY)
    call(book, b, "no_answer", TODAY)
    got = compute(book, TODAY)
    assert [(r.client_id, r.status) for r in got.rows] == [(c, ""), (b, "no_answer"), (a, "reached")]
    assert (got.todo, got.done) == (2, 1)


def test_filters_counts_and_paging(book: Book) -> None:
    ids = []
    for i in range(7):
        tier = ("private", "gold", "regular")[i % 3]
        cid = client(book, tier=tier, birthday="11-29" if i % 2 else "")
        ops.jot(book, f"请求{i}", cid, due=TODAY - dt.timedelta(days=i), now=dt.datetime(2026, 11, 1, 9))
        ids.append(cid)
    deposit(book, ids[0], D(2026, 12, 2))
    full = compute(book, TODAY)
    assert full.total == full.all_total == 7
    assert full.counts["request"] == 7 and full.counts["birthday"] == 3 and full.counts["maturity"] == 1
    assert set(full.counts) == set(REASON_KINDS)
    only = compute(book, TODAY, kinds={"birthday"})
    assert {r.client_id for r in only.rows} == {ids[1], ids[3], ids[5]}
    assert only.counts == full.counts and only.total == 3 and only.all_total == 7
    assert [r.client_id for r in only.rows] == [r.client_id for r in full.rows if "birthday" in r.kinds]
    tiers = compute(book, TODAY, tiers={"private"})
    assert {r.client_id for r in tiers.rows} == {ids[0], ids[3], ids[6]}
    both = compute(book, TODAY, kinds={"birthday", "maturity"}, tiers={"private", "gold"})
    assert {r.client_id for r in both.rows} == {ids[0], ids[1], ids[3]}
    one = compute(book, TODAY, clients={ids[0]})  # what memo call reads: one client's row, whole
    assert [r.client_id for r in one.rows] == [ids[0]] and one.total == 1 and one.counts == full.counts
    assert one.rows[0] == next(r for r in full.rows if r.client_id == ids[0])
    assert compute(book, TODAY, clients={10**6}).rows == []
    order = [r.client_id for r in full.rows]
    paged = []
    for offset in range(0, 7, 3):
        page = compute(book, TODAY, limit=3, offset=offset)
        assert page.total == 7 and len(page.rows) == min(3, 7 - offset)
        paged += [r.client_id for r in page.rows]
    assert paged == order
    assert [r.score for r in compute(book, TODAY, limit=2, offset=2).rows] == [r.score for r in full.rows[2:4]]
    assert full.rows[0].name and full.rows[0].phones  # the page is filled in


# --- rules from settings ---------------------------------------------------------------------------


def test_rules_from_the_setting(book: Book) -> None:
    assert agenda.rules(book) == agenda.DEFAULT_RULES
    cid = client(book, tier="private", created=dt.datetime(2025, 1, 1))
    call(book, cid, "reached", TODAY - dt.timedelta(days=11))
    ops.jot(book, "USD", cid, due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    ops.jot(book, "新钞", cid, now=dt.datetime(2026, 11, 26, 9))  # 3 days, no due date
    assert tags(book, TODAY, cid) == {("request", "")}
    ops.put_setting(book, "today_rules", {
        "weights": {"request": 20}, "cadence_days": {"private": 10}, "request_age_days": 3,
        "tier_points": {"private": 0}})
    r = agenda.rules(book)
    assert r["weights"]["request"] == 20 and r["weights"]["callback"] == 8  # one level deep
    assert r["cadence_days"] == {"private": 10, "diamond": 30, "platinum": 90, "gold": 180}
    assert agenda.DEFAULT_RULES["weights"]["request"] == 7  # the defaults are not touched
    row = row_of(book, TODAY, cid)
    assert {(x.kind, x.sub) for x in row.reasons} == {("request", ""), ("request", "no_due"), ("cadence", "")}
    assert parts(one(book, TODAY, cid, "request"))["w:request"] == 200
    assert row.tier_points == 0
    ops.put_setting(book, "today_rules", [1, 2])  # not an object: the defaults
    assert agenda.rules(book) == agenda.DEFAULT_RULES


def test_rules_change_the_maturity_window_and_birthday_lead(book: Book) -> None:
    cid = client(book, birthday="12-05")
    deposit(book, cid, D(2026, 12, 8))
    assert tags(book, TODAY, cid) == {("maturity", "")}
    ops.put_setting(book, "today_rules", {"maturity_workdays": 3, "birthday_ahead": 6})
    assert tags(book, TODAY, cid) == {("birthday", "soon")}
    assert ("maturity", "") in tags(book, D(2026, 12, 3), cid)


# --- the seed's stories ----------------------------------------------------------------------------


def test_story_deposit_noted_and_called_at_maturity(book: Book) -> None:
    """A client mentions a deposit maturing at the end of the month; the manager notes it and
    calls; the client renews and brings 300k more."""
    cid = ops.add_client(book, "王先生", ["13700137000"], honorific="先生",
                         now=dt.datetime(2026, 12, 1, 10)).id
    ops.jot(book, "他行还有存款，12月底到期", cid, kind="fact", now=dt.datetime(2026, 12, 1, 10))
    dep = money.add_deposit(book, cid, "200000", "2025-12-31", term="1y")
    assert dep.maturity == D(2026, 12, 31)  # a Thursday
    assert row_of(book, D(2026, 12, 21), cid) is None
    first = one(book, D(2026, 12, 22), cid, "maturity")  # T-7 working days
    assert first.extra == (7, None) and first.overdue == 0
    assert one(book, D(2026, 12, 23), cid, "maturity").overdue == 1  # not called yet: carried over
    assert tags(book, D(2026, 12, 30), cid) == {("maturity", ""), ("maturity", "confirm")}
    # the manager waits for the day itself
    on = one(book, D(2026, 12, 31), cid, "maturity")
    assert on.days == 0
    result = call(book, cid, "reached", D(2026, 12, 31), note="到期续存", new_info="他行30万转入",
                  sold_fen=300_000_00)
    got = compute(book, D(2026, 12, 31))
    assert [(r.client_id, r.status) for r in got.rows] == [(cid, "reached")]
    assert (got.todo, got.done) == (0, 1)
    assert got.rows[0].kinds == ["maturity"]  # still shown, done
    money.close_deposit(book, dep.id, "rolled", on=D(2026, 12, 31))
    money.add_deposit(book, cid, "500000", "2026-12-31", term="1y")
    assert row_of(book, D(2027, 1, 1), cid) is None
    assert row_of(book, D(2027, 1, 5), cid) is None
    assert result.contact_id


def test_story_birthday_call(book: Book) -> None:
    """She noticed the birthday on the ID card a month ahead and called on the day."""
    cid = ops.add_client(book, "李女士", ["13600136000"], honorific="女士", birthday="1972-12-01",
                         now=dt.datetime(2026, 10, 28, 10)).id
    assert row_of(book, D(2026, 11, 27), cid) is None
    assert tags(book, D(2026, 11, 28), cid) == {("birthday", "soon")}  # prepare a card
    on = one(book, D(2026, 12, 1), cid, "birthday")
    assert on.extra[0] == 54
    call(book, cid, "reached", D(2026, 12, 1), new_info="一百多万存款近期到期", opportunity="3个月理财")
    assert row_of(book, D(2026, 12, 1), cid).done
    assert row_of(book, D(2026, 12, 2), cid) is None


def test_story_restaurant_opening_remembered(book: Book) -> None:
    """A client opened a restaurant: flowers on the day, and a call on the day next year."""
    cid = ops.add_client(book, "赵先生", ["13500135000"], now=dt.datetime(2026, 11, 20, 10)).id
    ops.jot(book, "下个月开饭店", cid, kind="fact", now=dt.datetime(2026, 11, 20, 10))
    money.add_keydate(book, cid, "饭店开业", "2026-12-18", today=TODAY)
    money.add_keydate(book, cid, "饭店开业（农历）", "农历2026十月初八", today=TODAY)
    assert one(book, D(2026, 11, 16), cid, "key_date").text == "饭店开业（农历）"  # 十月初八 2026
    assert row_of(book, D(2026, 12, 17), cid) is None
    opening = one(book, D(2026, 12, 18), cid, "key_date")
    assert opening.text == "饭店开业" and opening.extra[0] == 0
    call(book, cid, "reached", D(2026, 12, 18), note="送了两个花篮")
    assert row_of(book, D(2026, 12, 19), cid) is None
    next_year = one(book, D(2027, 12, 18), cid, "key_date")
    assert next_year.extra[0] == 1 and next_year.ref.endswith(":2027-12-18")
    lunar_day = lunar.lunar_to_solar(2027, 10, 8)
    assert lunar_day == D(2027, 11, 5)
    got = one(book, lunar_day, cid, "key_date")
    assert got.text == "饭店开业（农历）" and got.extra[0] == 1


# --- the words ------------------------------------------------------------------------------------


def test_details_name_the_facts(book: Book) -> None:
    i18n.set_lang("en")
    cid = client(book, birthday="1976-12-01")
    deposit(book, cid, D(2026, 12, 7), amount="500000")
    texts = [agenda.detail(r) for r in reasons(book, D(2026, 12, 4), cid)]
    assert any("¥500,000 matures 2026-12-07" in x for x in texts), texts
    assert any("confirm the plan today" in x for x in texts), texts
    assert any("birthday 2026-12-01, turns 50, a round birthday" in x for x in texts), texts
    assert all("***" in agenda.detail(r, privacy=True) for r in reasons(book, D(2026, 12, 4), cid)
               if r.kind == "maturity")


# --- the indexed lookups against a naive recomputation ----------------------------------------------

TERMS = st.one_of(st.sampled_from([1, 3, 6, 12, 24, 36, 60]), st.integers(1, 61))


def month_end(day: dt.date, want: int) -> dt.date:
    last = (day.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)).day
    return day.replace(day=min(want, last))


@st.composite
def days_to_check(draw):  # noqa: ANN001, ANN201
    day = draw(st.dates(D(2025, 12, 1), D(2027, 2, 1)))
    if draw(st.booleans()):  # the ends of months, where the chains clamp
        day = month_end(day, draw(st.sampled_from([27, 28, 29, 30, 31])))
    return day


@st.composite
def deposits_near(draw, day: dt.date):  # noqa: ANN001, ANN201
    term = draw(TERMS)
    how = draw(st.sampled_from(["random", "near", "near", "edge"]))
    if how == "edge":  # a later period of a rolling chain, at a month's end, in the days checked
        k = draw(st.integers(2, 30))
        near = month_end(day + dt.timedelta(days=draw(st.integers(0, 5))), draw(st.sampled_from([29, 30, 31])))
        start = month_end(near - relativedelta(months=term * k), draw(st.sampled_from([29, 30, 31])))
        maturity = money.maturity_for(start, term)
        return dict(start=start, term_months=term, maturity=maturity, maturity_given=False, rollover=True,
                    status="active", amount_fen=100)
    if how == "near":  # one of its periods near the day (often the first one)
        k = draw(st.one_of(st.just(1), st.integers(2, 30)))
        near = day + dt.timedelta(days=draw(st.integers(-9, 12)))
        start = near - relativedelta(months=term * k)
        if draw(st.booleans()):  # started on a day the chain clamps
            start = month_end(start, draw(st.sampled_from([28, 29, 30, 31])))
    else:
        start = draw(st.dates(D(2020, 1, 1), D(2027, 3, 1)))
    start = max(start, D(2000, 1, 1))
    given = draw(st.one_of(st.none(), st.integers(-5, 20)))
    maturity = money.maturity_for(start, term)
    if given is not None:
        maturity = max(start, maturity + dt.timedelta(days=given))
    keep_term = given is None or draw(st.booleans())
    status = draw(st.sampled_from(["active"] * 8 + ["matured", "withdrawn", "rolled"]))
    return dict(start=start, term_months=term if keep_term else None, maturity=maturity,
                maturity_given=given is not None, rollover=draw(st.integers(0, 2)) > 0, status=status,
                amount_fen=draw(st.integers(1, 10**9)))


def naive_maturities(deps: list[Deposit], day: dt.date) -> set[tuple[str, str]]:
    hi = workdays.add_workdays(day, 7)
    out = set()
    for dep in deps:
        if dep.status not in ("active", "matured"):
            continue
        if dep.status == "active" and dep.rollover:
            m = money.next_maturity_of(dep.start, dep.term_months, dep.maturity, True, day)[0]
        else:
            m = dep.maturity
        ref = f"deposit:{dep.id}:{m.isoformat()}"
        if day <= m <= hi:
            out.add((ref, "rollover" if dep.rollover else ""))
            if not dep.rollover and workdays.last_workday_before(m) <= day < m:  # confirm: money may leave
                out.add((ref + ":confirm", "confirm"))
        elif day - dt.timedelta(days=7) <= m < day and not dep.rollover:
            out.add((ref + ":demand", "demand"))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_maturity_reasons_match_a_naive_recomputation(book: Book, data) -> None:  # noqa: ANN001
    day = data.draw(days_to_check(), label="day")
    specs = data.draw(st.lists(deposits_near(day), min_size=1, max_size=12), label="deposits")
    with book.write() as session:
        session.connection().exec_driver_sql("DELETE FROM deposit")
        owner = session.get(Client, 1)
        if owner is None:
            owner = Client(name="存款人")
            session.add(owner)
            session.flush()
        deps = [Deposit(client_id=owner.id, **spec) for spec in specs]
        session.add_all(deps)
        session.flush()
        rows = [SimpleNamespace(**{k: getattr(d, k) for k in ("id", "start", "term_months", "maturity",
                                                               "rollover", "status")}) for d in deps]
    for probe in (day + dt.timedelta(days=n) for n in range(4)):
        row = row_of(book, probe, 1)
        got = sorted((r.ref, r.sub) for r in row.reasons if r.kind == "maturity") if row else []
        assert got == sorted(naive_maturities(rows, probe)), probe  # each once


ANCHORS = st.one_of(
    st.tuples(st.just("solar"), st.integers(1, 12), st.integers(1, 31), st.just(False)).filter(
        lambda a: a[2] <= (29 if a[1] == 2 else 30 if a[1] in (4, 6, 9, 11) else 31)),
    st.tuples(st.just("lunar"), st.integers(1, 12), st.integers(1, 30), st.booleans()),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(D(2025, 1, 1), D(2028, 12, 31)), anchors=st.lists(ANCHORS, min_size=1, max_size=10))
def test_birthday_reasons_match_a_naive_recomputation(book: Book, day: dt.date, anchors: list) -> None:
    # some anchors on or near the day, so the windows' edges are hit
    near = [lunar.solar_to_lunar(day + dt.timedelta(days=d)) for d in (-7, -1, 0, 3, 4)]
    anchors = anchors + [("lunar", m, d, leap) for _y, m, d, leap in near]
    anchors += [("solar", x.month, x.day, False) for x in (day - dt.timedelta(days=8), day + dt.timedelta(days=3))]
    with book.write() as session:
        session.connection().exec_driver_sql("DELETE FROM client")
        people = [Client(name=f"p{i}", birth_kind=k, birth_month=m, birth_day=d, birth_leap=leap)
                  for i, (k, m, d, leap) in enumerate(anchors)]
        session.add_all(people)
        session.flush()
        ids = [p.id for p in people]
    expected = set()
    for cid, (kind, m, d, leap) in zip(ids, anchors):
        for year in (day.year - 1, day.year, day.year + 1):
            for x in lunar.occurrences_in_solar_year(kind, m, d, leap, year):
                name = "birthday" if kind == "solar" else "lunar_birthday"
                if day < x <= day + dt.timedelta(days=3):
                    expected.add((cid, f"{name}:{x.isoformat()}:soon"))
                elif day - dt.timedelta(days=7) <= x <= day:
                    expected.add((cid, f"{name}:{x.isoformat()}"))
    got = sorted((row.client_id, r.ref) for row in compute(book, day).rows for r in row.reasons)
    assert got == sorted(expected)  # each once


# --- query plans ------------------------------------------------------------------------------------


@contextmanager
def traced(book: Book, sink: list[str]):  # noqa: ANN201
    """compute's statements, all made on the one connection (no twin: the twin's are the same)."""
    original = book.raw

    @contextmanager
    def raw_pair():  # noqa: ANN202
        with original() as db:
            db.set_trace_callback(sink.append)
            try:
                yield db, None
            finally:
                db.set_trace_callback(None)

    book.raw_pair = raw_pair
    try:
        yield
    finally:
        del book.raw_pair


def _every_kind(book: Book) -> None:
    """30 clients with a reason of every kind, calls, snoozes and dismissals."""
    for i in range(30):
        tier = ("private", "platinum", "gold", "regular")[i % 4]
        cid = client(book, tier=tier, birthday=("1970-11-30", "农历十月初八", "")[i % 3],
                     created=dt.datetime(2025, 1, 1))
        money.add_deposit(book, cid, "100000", D(2026, 11, 1) - dt.timedelta(days=i * 7), term="1m",
                          rollover=bool(i % 2))
        ops.jot(book, f"请求{i}", cid, due=TODAY - dt.timedelta(days=i % 5), now=dt.datetime(2026, 11, 1, 9))
        ops.jot(book, f"回电{i}", cid, kind="callback", now=dt.datetime(2026, 11, 1, 9))
        ops.jot(book, f"事实{i}", cid, kind="fact", now=dt.datetime(2026, 11, 1, 9))
        money.add_keydate(book, cid, "开业", "2010-11-28", today=TODAY)
        h = money.add_holding(book, cid, "理财", "100000", "1", "2026-01-01", take_profit="5")
        money.price_holding(book, h.id, "1.1", on=D(2026, 11, 20))
        call(book, cid, ("reached", "no_answer")[i % 2], D(2026, 11, 27))
        if i % 5 == 0:
            calls.snooze(book, cid, D(2026, 12, 5), on=D(2026, 11, 27))
            calls.dismiss(book, cid, "request", "memo:1", on=D(2026, 11, 27))
    call(book, 1, "reached", TODAY)


def test_reason_queries_use_their_indexes(book: Book) -> None:
    _every_kind(book)
    seen: list[str] = []
    with traced(book, seen):
        for day in (TODAY, D(2026, 9, 24), D(2026, 11, 30)):  # a Sunday, a festival eve, a Monday
            assert compute(book, day).all_total > 0
    # the reasons are made by INSERT ... SELECT into the connection's scratch tables: those too
    selects = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "DELETE"))
               and "VALUES" not in s.upper()]
    assert len(selects) >= 12
    touched = set()
    with book.raw() as db:
        for sql in selects:
            details = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]
            joined = " | ".join(details)
            for detail in details:
                assert not re.match(r"SCAN (client|deposit|memo|contact|keydate|c|d|m|kd|x)\b", detail), (
                    sql, joined)
                # a search on the first column of an index only is a scan of most of the table
                assert not re.search(r"\((birth_kind|kind|status)=\?\)", detail), (sql, joined)
            if re.search(r"json_each\([^)]*\) k\b", sql):  # the keys drive the lookups, never the other way round
                assert details[0].startswith("SCAN k VIRTUAL TABLE"), (sql, joined)
            touched |= set(re.findall(r"USING (?:COVERING )?INDEX (\w+)", joined))
    for index in ("ix_deposit_active_maturity", "ix_deposit_roll", "ix_client_birth", "ix_keydate_md",
                  "ix_memo_open_due", "ix_holding_untold", "ix_client_cadence", "ix_contact_at"):
        assert index in touched, (index, sorted(touched))


def test_campaign_invitation_and_reminder_on_the_list(book: Book) -> None:
    from memo import campaigns

    cid = client(book, tier="private")
    other = client(book, tier="gold")
    salon = campaigns.add_campaign(book, "理财沙龙 [b]x[/b]", method="salon", on=D(2026, 12, 12), today=TODAY)
    campaigns.invite(book, salon.id, [cid, other], today=TODAY)
    invite = one(book, D(2026, 11, 30), cid, "campaign", "invite")
    assert invite.date == D(2026, 12, 12) and invite.text == "理财沙龙 [b]x[/b]"
    assert "理财沙龙 [b]x[/b]" in agenda.detail(invite)
    assert row_of(book, D(2026, 11, 27), cid) is None or "campaign" not in row_of(book, D(2026, 11, 27), cid).kinds
    call(book, cid, "reached", D(2026, 11, 30))  # invited on the phone: the reason is handled
    assert "campaign" not in (row_of(book, D(2026, 12, 1), cid) or agenda.Row(cid, "", False, [])).kinds
    assert "campaign" in row_of(book, D(2026, 12, 1), other).kinds  # not reached: still to invite
    campaigns.set_status(book, salon.id, other, "accepted", on=D(2026, 12, 1))
    remind = one(book, D(2026, 12, 11), other, "campaign", "remind")  # the working day before
    assert remind.ref == f"campaign:{salon.id}:2026-12-12:remind"


# --- the list stays made between pages -------------------------------------------------------------


DAYS = (TODAY, D(2026, 9, 24), D(2026, 11, 30), D(2026, 12, 3))  # a Sunday, a festival eve, a Monday...


def test_the_list_is_the_same_made_on_two_connections_or_one(book: Book, monkeypatch) -> None:
    _every_kind(book)
    twins = []
    real = agenda._SecondHalf
    monkeypatch.setattr(agenda, "_SecondHalf", lambda *a: twins.append(1) or real(*a))
    seen = set()
    for day in DAYS:
        paired = compute(book, day, fresh=True)
        with book.alone():  # all on one connection
            alone = compute(book, day, fresh=True)
            alone_page = compute(book, day, limit=5, offset=5, kinds={"cadence", "request"})
        assert paired == alone and paired.all_total > 10
        seen |= {kind for kind, n in paired.counts.items() if n}
        compute(book, day, fresh=True)
        # another page, filtered: read again from both halves, where the list was made
        assert compute(book, day, limit=5, offset=5, kinds={"cadence", "request"}) == alone_page
    assert {"maturity", "birthday", "festival", "request", "callback", "holding", "cadence"} <= seen  # both halves
    assert len(twins) == 2 * len(DAYS)  # made on two connections but when the pair was busy; read again


def test_a_writer_at_work_leaves_the_list_on_one_connection_and_right(book: Book, monkeypatch) -> None:
    _every_kind(book)
    expected = compute(book, TODAY, fresh=True)
    twins = []
    monkeypatch.setattr(agenda, "_SecondHalf", lambda *a: twins.append(1))
    writer = sqlite3.connect(book.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the write lock held: two reads could not be made one snapshot
        assert compute(book, TODAY, fresh=True) == expected and twins == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_one_reason_of_every_kind_set_aside_is_gone_made_on_two_connections_or_one(book: Book) -> None:
    _every_kind(book)
    covered = set()
    for day in (TODAY, D(2026, 9, 24), D(2026, 12, 3)):  # festival reasons on the eve of 中秋
        every = compute(book, day, fresh=True).rows
        aside = {}
        for row in every:
            for r in row.reasons:
                if row.client_id is not None and r.kind not in aside:
                    aside[r.kind] = (row.client_id, r.ref)
        for kind, (cid, ref) in aside.items():
            calls.dismiss(book, cid, kind, ref, on=day)
        for alone in (False, True):
            with book.alone() if alone else contextlib.nullcontext():
                rows = {row.client_id: row for row in compute(book, day, fresh=True).rows}
            for kind, (cid, ref) in aside.items():
                assert ref not in [r.ref for r in rows.get(cid, agenda.Row(cid, "", False, [])).reasons], (kind, alone)
            left = sum(len(row.reasons) for row in rows.values())
            assert left == sum(len(row.reasons) for row in every) - len(aside)
        covered |= set(aside)
    assert {"maturity", "birthday", "key_date", "festival", "request", "callback", "holding", "cadence"} <= covered


def _old_ref(kind: str, sub: str, obj: int, date: str) -> str:
    """A reason's ref as the engine wrote it in Python before the SQL expression."""
    if kind == "maturity":
        return f"deposit:{obj}:{date}" + (f":{sub}" if sub in ("confirm", "demand") else "")
    if kind in ("birthday", "lunar_birthday"):
        return f"{kind}:{date}" + (":soon" if sub == "soon" else "")
    if kind == "key_date":
        return f"keydate:{obj}:{date}"
    if kind == "festival":
        return f"festival:{workdays.FESTIVAL_KEYS[obj]}:{date}"
    if kind == "holding":
        return f"holding:{obj}:{sub}"
    if kind == "cadence":
        return f"cadence:{date}"
    if kind == "campaign":
        return f"campaign:{obj}:{date}:{sub}"
    return f"memo:{obj}"


def test_the_ref_made_in_sql_is_the_ref_of_every_kind() -> None:
    subs = ("", "rollover", "confirm", "demand", "soon", "no_due", "never", "take_profit", "stop_loss", "invite",
            "remind")
    cases = [(kind, sub, obj, off) for kind in REASON_KINDS for sub in subs
             for obj in range(len(workdays.FESTIVAL_KEYS)) for off in (-400, -8, -1, 0, 1, 3, 14, 45)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE r (kind, sub, obj, off)")
    db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", cases)
    jd = TODAY.toordinal() + agenda._JULIAN_OF_ORDINAL_0
    made = db.execute(f"SELECT {agenda._ref_sql()} FROM r ORDER BY rowid", {"jd": jd}).fetchall()
    assert [m for (m,) in made] == [_old_ref(kind, sub, obj, (TODAY + dt.timedelta(days=off)).isoformat())
                                    for kind, sub, obj, off in cases]


def test_an_error_on_the_second_connection_is_raised_and_the_book_stays_usable(book: Book, monkeypatch) -> None:
    _every_kind(book)
    expected = compute(book, TODAY, fresh=True)
    where = []

    def broken(ctx) -> None:  # noqa: ANN001
        where.append(threading.current_thread().name)
        ctx.db.execute("SELECT no_such_column FROM client")

    monkeypatch.setattr(agenda, "_SECOND_HALF", (agenda._memos, broken))
    with pytest.raises(sqlite3.OperationalError, match="no_such_column"):
        compute(book, TODAY, fresh=True)
    assert where == ["memo-today-second"]
    monkeypatch.undo()
    assert compute(book, TODAY) == expected  # nothing half-made is taken for the list
    assert compute(book, TODAY, fresh=True) == expected


def test_another_page_or_filter_reads_the_list_made_and_a_write_makes_it_again(book: Book, monkeypatch) -> None:
    made = []
    real = agenda._make
    monkeypatch.setattr(agenda, "_make", lambda *a: made.append(1) or real(*a))
    ids = [client(book, tier=("private", "gold")[i % 2], birthday="11-29") for i in range(6)]
    first = compute(book, TODAY, limit=2)
    assert len(made) == 1 and first.total == 6
    rest = compute(book, TODAY, limit=10, offset=2)
    gold = compute(book, TODAY, tiers={"gold"})
    assert len(made) == 1  # the same list: only read again
    assert [r.client_id for r in first.rows + rest.rows] == [r.client_id for r in compute(book, TODAY, fresh=True).rows]
    assert {r.client_id for r in gold.rows} == {ids[1], ids[3], ids[5]} and gold.counts == first.counts
    assert len(made) == 2  # fresh: made again
    call(book, ids[0], "reached", TODAY)  # another connection writes: the next call starts again
    after = compute(book, TODAY)
    assert len(made) == 3 and after.done == 1 and next(r for r in after.rows if r.client_id == ids[0]).done
    ops.put_setting(book, agenda.RULES_KEY, {"weights": {"birthday": 20}})
    assert compute(book, TODAY).rows[0].reasons[0].parts[0][1] == 200 and len(made) == 4
    compute(book, TODAY + dt.timedelta(days=1))  # another day: another list
    assert len(made) == 5

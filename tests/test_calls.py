"""Acting on the today list (memo.calls): each call outcome and what it does to the list, the
errors that change nothing, snoozes and dismissals."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select

from memo import agenda, calls, money, ops
from memo.agenda import compute
from memo.db import Book
from memo.models import Client, Contact, Memo
from memo.ops import DomainError
from tests.conftest import TODAY

D = dt.date
_phones = itertools.count(1)


def client(book: Book, tier: str = "regular", birthday: str = "", created: dt.datetime = dt.datetime(2026, 11, 1, 9)) -> int:
    n = next(_phones)
    return ops.add_client(book, f"客户{n}", [f"137{n:08d}"], tier=tier, birthday=birthday, now=created).id


def row_of(book: Book, day: dt.date, cid: int) -> agenda.Row | None:
    return next((r for r in compute(book, day).rows if r.client_id == cid), None)


def tags(book: Book, day: dt.date, cid: int) -> set[tuple[str, str]]:
    row = row_of(book, day, cid)
    return {(r.kind, r.sub) for r in row.reasons} if row else set()


def call(book: Book, cid: int, outcome: str, day: dt.date, hour: int = 10, **kw) -> calls.CallResult:
    return calls.log_call(book, cid, outcome, now=dt.datetime.combine(day, dt.time(hour)), **kw)


def counts(book: Book) -> tuple[int, int, int]:
    with book.raw() as db:
        return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contact", "memo", "snooze"))


def last_contact(book: Book, cid: int) -> dt.date | None:
    with book.read() as session:
        return session.get(Client, cid).last_contact_on


def contacts(book: Book, cid: int) -> list[Contact]:
    with book.read() as session:
        return list(session.exec(select(Contact).where(Contact.client_id == cid).order_by(Contact.id)))


# --- outcomes --------------------------------------------------------------------------------------


def test_reached_marks_the_row_done_it_stays_then_goes(book: Book) -> None:
    cid = client(book, birthday="1970-11-29")
    other = client(book, birthday="11-29")
    ops.jot(book, "要新钞", cid, due=D(2026, 11, 30), now=dt.datetime(2026, 11, 20, 9))
    before = compute(book, TODAY)
    assert (before.todo, before.done) == (2, 0)
    result = call(book, cid, "reached", TODAY, note="生日快乐")
    assert (result.outcome, result.client_id, result.retry_on, result.callback_memo_id) == ("reached", cid, None, None)
    assert result.at == dt.datetime(2026, 11, 29, 10)
    got = compute(book, TODAY)
    row = next(r for r in got.rows if r.client_id == cid)
    assert row.status == "reached" and row.done
    assert row.kinds == ["birthday"]  # still on today's list, shown done
    assert (got.todo, got.done, got.all_total) == (1, 1, 2)
    assert [r.client_id for r in got.rows] == [other, cid]  # done rows after the rest
    assert last_contact(book, cid) == TODAY
    # tomorrow: the birthday is handled; only the new reason is there
    assert tags(book, D(2026, 11, 30), cid) == {("request", "")}
    assert ("birthday", "") in tags(book, D(2026, 11, 30), other)  # not called: carried over


def test_reached_keeps_an_open_request_until_it_is_resolved(book: Book) -> None:
    cid = client(book)
    memo = ops.jot(book, "要2万美元现金", cid, due=TODAY, now=dt.datetime(2026, 11, 20, 9)).memo
    call(book, cid, "reached", TODAY, note="美元还没到")
    assert row_of(book, D(2026, 11, 30), cid).reasons[0].overdue == 1
    ops.resolve_memo(book, memo.id, "已备好")
    assert row_of(book, D(2026, 11, 30), cid) is None


def test_no_answer_on_friday_waits_over_the_weekend(book: Book) -> None:
    cid = client(book, birthday="11-27")
    friday = D(2026, 11, 27)
    result = call(book, cid, "no_answer", friday)
    assert result.retry_on == D(2026, 11, 30)
    got = compute(book, friday)
    row = got.rows[0]
    assert (row.client_id, row.status, row.done) == (cid, "no_answer", False)
    assert row.kinds == ["birthday"] and (got.todo, got.done) == (1, 0)
    for weekend in (D(2026, 11, 28), TODAY):
        got = compute(book, weekend)
        assert row_of(book, weekend, cid) is None
        assert (got.snoozed, got.all_total) == (1, 0)
    monday = compute(book, D(2026, 11, 30))
    assert [(r.client_id, r.status) for r in monday.rows] == [(cid, "")]
    assert monday.rows[0].reasons[0].overdue == 3  # the reasons were kept
    assert last_contact(book, cid) is None  # no answer is not a contact that restarts anything


def test_no_answer_retries_on_the_next_working_day_of_the_official_calendar(book: Book) -> None:
    cid = client(book)
    ops.jot(book, "回复理财到期安排", cid, due=D(2026, 2, 13), now=dt.datetime(2026, 2, 1, 9))
    assert call(book, cid, "no_answer", D(2026, 2, 13)).retry_on == D(2026, 2, 14)  # make-up Saturday
    assert row_of(book, D(2026, 2, 14), cid) is not None
    other = client(book)
    ops.jot(book, "节前回电", other, due=D(2026, 9, 30), now=dt.datetime(2026, 9, 1, 9))
    assert call(book, other, "no_answer", D(2026, 9, 30)).retry_on == D(2026, 10, 8)
    for day in (D(2026, 10, 1), D(2026, 10, 4), D(2026, 10, 7)):  # 国庆: waiting
        assert row_of(book, day, other) is None
    assert row_of(book, D(2026, 10, 8), other).reasons[0].overdue == 8


def test_a_reach_wins_over_a_no_answer_the_same_day(book: Book) -> None:
    a, b = client(book, birthday="11-29"), client(book, birthday="11-29")
    call(book, a, "no_answer", TODAY, hour=9)
    call(book, a, "reached", TODAY, hour=10)
    call(book, b, "reached", TODAY, hour=9)
    call(book, b, "no_answer", TODAY, hour=10)
    assert row_of(book, TODAY, a).status == row_of(book, TODAY, b).status == "reached"


def test_callback_makes_a_callback_memo_due_that_day(book: Book) -> None:
    cid = client(book, birthday="11-29")
    old = ops.jot(book, "答应回电", cid, kind="callback", due=D(2026, 11, 28), now=dt.datetime(2026, 11, 20, 9)).memo
    result = call(book, cid, "callback", TODAY, next_on=D(2026, 12, 2), note="周三下午再打")
    assert result.closed_callbacks == [old.id]  # the promise due by today was kept
    with book.read() as session:
        memo = session.get(Memo, result.callback_memo_id)
        assert (memo.kind, memo.due, memo.status, memo.text, memo.client_id) == (
            "callback", D(2026, 12, 2), "open", "周三下午再打", cid)
        assert session.get(Memo, old.id).status == "done"
    row = row_of(book, TODAY, cid)
    assert row.status == "callback" and row.done
    assert {r.ref for r in row.reasons} == {"birthday:2026-11-29", f"memo:{old.id}"}  # as before the call
    assert row_of(book, D(2026, 11, 30), cid) is None
    assert row_of(book, D(2026, 12, 1), cid) is None
    due = row_of(book, D(2026, 12, 2), cid)
    assert [(r.kind, r.ref, r.text) for r in due.reasons] == [("callback", f"memo:{memo.id}", "周三下午再打")]
    kept = call(book, cid, "reached", D(2026, 12, 2))
    assert kept.closed_callbacks == [memo.id]
    done = row_of(book, D(2026, 12, 2), cid)
    assert done.done and done.kinds == ["callback"]  # the kept callback stays on today's done row
    assert row_of(book, D(2026, 12, 3), cid) is None


def test_callback_today_shows_on_todays_row(book: Book) -> None:
    cid = client(book)
    result = call(book, cid, "callback", TODAY, next_on=TODAY, note="下午三点再打")
    row = row_of(book, TODAY, cid)
    assert row.done and [r.ref for r in row.reasons] == [f"memo:{result.callback_memo_id}"]
    assert row_of(book, D(2026, 11, 30), cid).reasons[0].overdue == 1  # not kept yet


def test_declined(book: Book) -> None:
    cid = client(book, birthday="11-29")
    call(book, cid, "拒绝", TODAY, note="不需要")
    row = row_of(book, TODAY, cid)
    assert row.status == "declined" and row.done
    assert last_contact(book, cid) == TODAY
    assert row_of(book, D(2026, 11, 30), cid) is None
    assert contacts(book, cid)[0].outcome == "declined"


def test_every_call_is_a_contact_row(book: Book) -> None:
    cid = client(book)
    call(book, cid, "no_answer", D(2026, 11, 26), hour=9)
    call(book, cid, "n", D(2026, 11, 26), hour=15)
    call(book, cid, "callback", D(2026, 11, 27), next_on=D(2026, 11, 30))
    call(book, cid, "reached", D(2026, 11, 30), note="续存", new_info="儿子在深圳", opportunity="大额存单",
         sold_fen=300_000_00, reasons="maturity callback")
    rows = contacts(book, cid)
    assert [c.outcome for c in rows] == ["no_answer", "no_answer", "callback", "reached"]
    assert all(c.channel == "phone" for c in rows)
    last = rows[-1]
    assert (last.note, last.new_info, last.opportunity, last.sold_fen, last.reasons) == (
        "续存", "儿子在深圳", "大额存单", 300_000_00, "maturity callback")
    assert rows[2].next_follow_up == D(2026, 11, 30)
    assert last.at == dt.datetime(2026, 11, 30, 10)
    assert last_contact(book, cid) == D(2026, 11, 30)


def test_a_call_logged_for_an_earlier_day(book: Book) -> None:
    cid = client(book)
    calls.log_call(book, cid, "reached", on=D(2026, 11, 20), now=dt.datetime(2026, 11, 29, 15))
    assert contacts(book, cid)[0].at == dt.datetime(2026, 11, 20, 15)
    assert last_contact(book, cid) == D(2026, 11, 20)
    call(book, cid, "reached", D(2026, 11, 25))
    calls.log_call(book, cid, "reached", on=D(2026, 11, 21), now=dt.datetime(2026, 11, 29, 15))
    assert last_contact(book, cid) == D(2026, 11, 25)  # the last reach never goes back


@pytest.mark.parametrize("outcome, kw, code", [
    ("maybe", {}, "call.bad_outcome"),
    ("", {}, "call.bad_outcome"),
    ("callback", {}, "call.need_next"),
    ("callback", {"next_on": TODAY - dt.timedelta(days=1)}, "call.next_past"),
    ("reached", {"sold_fen": -1}, "money.bad_amount"),
    ("reached", {"reasons": "maturity gossip"}, "call.bad_reason"),
])
def test_log_call_errors_change_nothing(book: Book, outcome: str, kw: dict, code: str) -> None:
    cid = client(book)
    ops.jot(book, "回电", cid, kind="callback", due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    before = counts(book), last_contact(book, cid), tags(book, TODAY, cid)
    with pytest.raises(DomainError) as err:
        call(book, cid, outcome, TODAY, **kw)
    assert err.value.code == code
    assert (counts(book), last_contact(book, cid), tags(book, TODAY, cid)) == before


def test_log_call_on_a_missing_or_deleted_client_changes_nothing(book: Book) -> None:
    cid = client(book)
    ops.delete_client(book, cid)
    before = counts(book)
    for who in (cid, 9999):
        with pytest.raises(DomainError) as err:
            call(book, who, "callback", TODAY, next_on=D(2026, 12, 1))
        assert err.value.code == "client.not_found"
    assert counts(book) == before


def test_outcome_words() -> None:
    assert [calls.parse_outcome(w) for w in ("接通", "未接", "回电", "婉拒", " Reached ", "no-answer")] == [
        "reached", "no_answer", "callback", "declined", "reached", "no_answer"]


# --- snoozes ---------------------------------------------------------------------------------------


def test_snooze_hides_the_row_until_the_date(book: Book) -> None:
    cid, other = client(book), client(book)
    for who in (cid, other):
        ops.jot(book, "要美元", who, due=TODAY, now=dt.datetime(2026, 11, 20, 9))
    calls.snooze(book, cid, D(2026, 12, 2), note="出差", on=TODAY)
    for day in (TODAY, D(2026, 11, 30), D(2026, 12, 1)):
        got = compute(book, day)
        assert [r.client_id for r in got.rows] == [other]
        assert got.snoozed == 1 and got.todo == 1
    back = row_of(book, D(2026, 12, 2), cid)
    assert back is not None and back.reasons[0].overdue == 3
    assert compute(book, D(2026, 12, 2)).snoozed == 0


def test_unsnooze_and_a_call_bring_the_row_back(book: Book) -> None:
    cid = client(book, birthday="11-29")
    calls.snooze(book, cid, D(2026, 12, 5), on=TODAY)
    assert row_of(book, TODAY, cid) is None
    call(book, cid, "reached", TODAY)
    assert row_of(book, TODAY, cid).done  # called anyway: shown done
    other = client(book, birthday="11-30")
    calls.snooze(book, other, D(2026, 12, 5), on=TODAY)
    assert row_of(book, D(2026, 11, 30), other) is None
    assert calls.unsnooze(book, other, on=D(2026, 11, 30)) == 1
    assert row_of(book, D(2026, 11, 30), other) is not None
    assert calls.unsnooze(book, other, on=D(2026, 11, 30)) == 0


def test_snooze_errors(book: Book) -> None:
    cid = client(book)
    for until in (TODAY, TODAY - dt.timedelta(days=1)):
        with pytest.raises(DomainError) as err:
            calls.snooze(book, cid, until, on=TODAY)
        assert err.value.code == "snooze.not_later"
    with pytest.raises(DomainError):
        calls.snooze(book, 9999, D(2026, 12, 1), on=TODAY)
    assert counts(book)[2] == 0


# --- dismissals ------------------------------------------------------------------------------------


def test_dismiss_one_reason_the_others_stay_next_year_comes_back(book: Book) -> None:
    cid = client(book, birthday="1980-12-01")
    same = client(book, birthday="1981-12-01")  # the same ref text, another client
    ops.jot(book, "要美元", cid, due=D(2026, 12, 1), now=dt.datetime(2026, 11, 20, 9))
    day = D(2026, 12, 1)
    ref = next(r.ref for r in row_of(book, day, cid).reasons if r.kind == "birthday")
    assert ref == "birthday:2026-12-01"
    first = calls.dismiss(book, cid, "birthday", ref, note="客户不过生日", on=day)
    assert tags(book, day, cid) == {("request", "")}
    assert tags(book, D(2026, 12, 2), cid) == {("request", "")}  # not carried over either
    assert ("birthday", "") in tags(book, day, same)
    assert calls.dismiss(book, cid, "birthday", ref, note="再说一次", on=day) == first  # once per ref
    assert ("birthday", "") in tags(book, D(2027, 12, 1), cid)  # next year's comes as usual
    assert ("birthday", "soon") in tags(book, D(2027, 11, 29), cid)


def test_dismiss_a_maturity_keeps_its_confirm_and_the_next_period(book: Book) -> None:
    cid = client(book)
    dep = money.add_deposit(book, cid, "500000", "2026-06-07", term="6m")
    assert dep.maturity == D(2026, 12, 7)
    calls.dismiss(book, cid, "maturity", f"deposit:{dep.id}:2026-12-07", on=TODAY)
    assert tags(book, TODAY, cid) == set()
    assert tags(book, D(2026, 12, 4), cid) == {("maturity", "confirm")}  # its own ref
    rolling = money.add_deposit(book, cid, "500000", "2026-06-08", term="6m", rollover=True)
    calls.dismiss(book, cid, "maturity", f"deposit:{rolling.id}:2026-12-08", on=TODAY)
    assert ("maturity", "rollover") not in tags(book, TODAY, cid)
    # the next period (2027-06-08) is a new occurrence
    assert ("maturity", "rollover") in tags(book, D(2027, 6, 2), cid)


def test_dismiss_errors_change_nothing(book: Book) -> None:
    cid = client(book)
    for kind, ref, code in (("gossip", "x:1", "call.bad_reason"), ("birthday", "", "dismiss.no_ref")):
        with pytest.raises(DomainError) as err:
            calls.dismiss(book, cid, kind, ref, on=TODAY)
        assert err.value.code == code
    with pytest.raises(DomainError):
        calls.dismiss(book, 9999, "birthday", "birthday:2026-12-01", on=TODAY)
    with book.raw() as db:
        assert db.execute("SELECT count(*) FROM dismissal").fetchone()[0] == 0

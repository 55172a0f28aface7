"""A client's dates in a solar year: birthdays (solar, lunar), key dates, maturities, call-by days."""

from __future__ import annotations

import datetime as dt

import pytest

from memo import i18n, lunar, money, ops, yearly
from memo.birthdays import Birthday
from memo.db import Book

D = dt.date


@pytest.fixture(autouse=True)
def _zh():
    lang = i18n.get_lang()
    i18n.set_lang("zh")
    yield
    i18n.set_lang(lang)


def _client(book: Book, birthday: str = "") -> int:
    return ops.add_client(book, "王芳", ["13912345678"], birthday=birthday, now=dt.datetime(2026, 1, 1, 9)).id


def _kinds(rows: list[yearly.YearlyDate]) -> list[tuple[str, dt.date]]:
    return [(r.kind, r.date) for r in rows]


# --- birthdays ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year, day, age", [(2027, D(2027, 2, 28), 47), (2028, D(2028, 2, 29), 48)])
def test_a_feb_29_birthday(book: Book, year: int, day: dt.date, age: int) -> None:
    cid = _client(book, "1980-02-29")
    [row] = yearly.dates_for_client(book, cid, year)
    assert (row.kind, row.date, row.age, row.round_age, row.lunar_label) == ("birthday", day, age, False, None)
    assert row.label == "生日" and row.anchor == "1980-02-29"


def test_a_round_birthday(book: Book) -> None:
    cid = _client(book, "1966-11-29")
    [row] = yearly.dates_for_client(book, cid, 2026)
    assert (row.date, row.age, row.round_age) == (D(2026, 11, 29), 60, True)
    assert row.workday is False and row.call_by == D(2026, 11, 27)  # a Sunday: call on Friday


def test_a_leap_month_lunar_birthday(book: Book) -> None:
    cid = _client(book, "农历闰六月初一")
    [in_2025] = yearly.dates_for_client(book, cid, 2025)  # 2025 has a leap 6th month
    assert (in_2025.kind, in_2025.date) == ("lunar_birthday", D(2025, 7, 25))
    assert in_2025.lunar_label == "农历闰六月初一" and in_2025.label == "农历生日"
    assert lunar.leap_month(2026) != 6
    [in_2026] = yearly.dates_for_client(book, cid, 2026)  # no leap 6th: the regular month
    assert in_2026.date == lunar.lunar_to_solar(2026, 6, 1) == D(2026, 7, 14)


def test_lunar_day_30_in_a_29_day_month(book: Book) -> None:
    cid = _client(book, "农历腊月三十")
    twelfth = [m for m in lunar.month_table(2025) if m.month == 12 and not m.leap][0]
    assert twelfth.length == 29  # lunar 2025's 腊月 is short: 腊月三十 falls on 二十九, 除夕
    [row] = yearly.dates_for_client(book, cid, 2026)
    assert row.date == lunar.lunar_to_solar(2025, 12, 29) == D(2026, 2, 16)


def test_a_la_yue_birthday_lands_in_january_of_the_next_solar_year(book: Book) -> None:
    cid = _client(book, "lunar 1960-12-15")
    rows = yearly.dates_for_client(book, cid, 2025)
    assert _kinds(rows) == [("lunar_birthday", D(2025, 1, 14))]  # lunar 2024's 腊月十五
    assert rows[0].age == 2024 - 1960


def test_a_lunar_date_can_come_twice_in_one_solar_year(book: Book) -> None:
    cid = _client(book, "lunar 1960-12-01")
    rows = yearly.dates_for_client(book, cid, 2024)
    assert _kinds(rows) == [("lunar_birthday", D(2024, 1, 11)), ("lunar_birthday", D(2024, 12, 31))]
    assert [r.age for r in rows] == [63, 64]


def test_next_birthday(book: Book) -> None:
    cid = _client(book, "1966-11-29")
    card = ops.show(book, cid)
    assert yearly.next_birthday(card, D(2026, 11, 29)) == (D(2026, 11, 29), 60, True)
    assert yearly.next_birthday(card, D(2026, 11, 30)) == (D(2027, 11, 29), 61, False)
    with book.read() as session:
        from memo.models import Client

        row = session.get(Client, cid)
    assert yearly.next_birthday(row, D(2026, 1, 1)) == (D(2026, 11, 29), 60, True)
    assert yearly.next_birthday(Birthday("solar", 2, 29), D(2027, 1, 1)) == (D(2027, 2, 28), None, False)
    assert yearly.next_birthday(Birthday("lunar", 8, 15), D(2026, 1, 1)) == (D(2026, 9, 25), None, False)
    assert yearly.next_birthday({"birth_kind": None}, D(2026, 1, 1)) is None
    assert yearly.next_birthday(ops.show(book, _client(book)), D(2026, 1, 1)) is None


# --- key dates --------------------------------------------------------------------------------------------


def test_key_dates_solar_and_lunar(book: Book) -> None:
    cid = _client(book)
    opening = money.add_keydate(book, cid, "饭店开业", "2016-05-20")
    mid_autumn = money.add_keydate(book, cid, "结婚纪念日", "农历八月十五")
    rows = yearly.dates_for_client(book, cid, 2026)
    assert _kinds(rows) == [("key_date", D(2026, 5, 20)), ("key_date", D(2026, 9, 25))]
    first, second = rows
    assert (first.label, first.age, first.round_age, first.keydate_id) == ("饭店开业", 10, True, opening.id)
    assert (second.age, second.lunar_label, second.keydate_id) == (None, "农历八月十五", mid_autumn.id)
    assert second.workday is False and second.call_by == D(2026, 9, 24)  # 中秋: a holiday


# --- maturities -------------------------------------------------------------------------------------------


def test_a_maturity_on_a_holiday_has_a_call_by_day(book: Book) -> None:
    cid = _client(book)
    dep = money.add_deposit(book, cid, "50万", "2025-10-01", term="1y")
    [row] = yearly.dates_for_client(book, cid, 2026)
    assert (row.kind, row.date, row.deposit_id, row.amount_fen) == ("maturity", D(2026, 10, 1), dep.id, 50_000_000)
    assert row.workday is False and row.call_by == D(2026, 9, 30)
    assert row.label == "定期存款 ¥500,000 到期"


def test_every_rollover_period_in_the_year(book: Book) -> None:
    cid = _client(book)
    money.add_deposit(book, cid, "10万", "2025-11-30", term="3m", rollover=True, kind="cd")
    rows = yearly.dates_for_client(book, cid, 2026)
    assert [r.date for r in rows] == [D(2026, 2, 28), D(2026, 5, 30), D(2026, 8, 30), D(2026, 11, 30)]
    assert [r.period for r in rows] == [1, 2, 3, 4]
    # years later, still from the start: no drift to the 28th
    later = yearly.dates_for_client(book, cid, 2030)
    assert [r.date for r in later] == [D(2030, 2, 28), D(2030, 5, 30), D(2030, 8, 30), D(2030, 11, 30)]
    assert later[0].period == 17
    assert yearly.dates_for_client(book, cid, 2025) == []  # the first maturity is in 2026


def test_month_end_rollover_in_a_year(book: Book) -> None:
    cid = _client(book)
    money.add_deposit(book, cid, "10万", "2026-01-31", term="1m", rollover=True)
    rows = yearly.dates_for_client(book, cid, 2027)
    assert [r.date.day for r in rows] == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def test_closed_and_non_rolling_deposits(book: Book) -> None:
    cid = _client(book)
    once = money.add_deposit(book, cid, "1万", "2025-03-15", term="1y")
    closed = money.add_deposit(book, cid, "2万", "2025-06-15", term="1y", rollover=True)
    money.close_deposit(book, closed.id, "withdrawn", on="2025-12-01")
    assert [(r.deposit_id, r.date) for r in yearly.dates_for_client(book, cid, 2026)] == [(once.id, D(2026, 3, 15))]
    assert yearly.dates_for_client(book, cid, 2027) == []


def test_everything_sorted_by_date(book: Book) -> None:
    cid = _client(book, "1970-10-01")
    money.add_deposit(book, cid, "50万", "2025-10-01", term="1y")
    money.add_keydate(book, cid, "开户", "2010-03-08")
    rows = yearly.dates_for_client(book, cid, 2026)
    assert _kinds(rows) == [("key_date", D(2026, 3, 8)), ("birthday", D(2026, 10, 1)), ("maturity", D(2026, 10, 1))]
    assert rows[1].age == 56 and rows[0].age == 16


def test_an_override_moves_the_call_by_day(book: Book) -> None:
    from memo import workdays

    cid = _client(book)
    money.add_deposit(book, cid, "50万", "2025-10-01", term="1y")
    workdays.set_override(book, D(2026, 9, 30), False, "自定义")
    [row] = yearly.dates_for_client(book, cid, 2026)
    assert row.call_by == D(2026, 9, 29)
    assert money.list_deposits(book, cid, D(2026, 9, 1))[0].call_by == D(2026, 9, 29)


def test_unknown_client(book: Book) -> None:
    with pytest.raises(ops.DomainError) as err:
        yearly.dates_for_client(book, 42, 2026)
    assert err.value.code == "client.not_found"

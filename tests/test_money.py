"""Money facts: amounts, terms and maturities, deposits, holdings and their lines, key dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from memo import money, ops
from memo.birthdays import Birthday
from memo.db import Book
from memo.models import Deposit, Holding, HoldingPrice, KeyDate
from memo.ops import DomainError

D = dt.date


@pytest.fixture
def client_id(book: Book) -> int:
    return ops.add_client(book, "张三", ["13800138000"]).id


def _count(book: Book, model) -> int:  # noqa: ANN001
    with book.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# --- no binary fractions ---------------------------------------------------------------------------


def test_money_never_uses_binary_fractions() -> None:
    from memo import terms, values

    for module in (money, terms, values):
        assert "float" not in Path(module.__file__).read_text(encoding="utf-8"), module.__name__


# --- amounts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, fen", [
    ("500000", 50_000_000),
    ("500,000.50", 50_000_050),
    ("500，000", 50_000_000),
    ("50万", 50_000_000),
    ("1.2万", 1_200_000),
    ("1.25万元", 1_250_000),
    ("0.01", 1),
    (".5", 50),
    ("¥3000", 300_000),
    ("￥3,000元", 300_000),
    ("３０００", 300_000),  # full-width digits
    (" 3000 ", 300_000),
    ("2亿", 20_000_000_000),
    ("5k", 500_000),
    ("5w", 5_000_000),
    (1000, 100_000),
])
def test_parse_amount(text: str, fen: int) -> None:
    assert money.parse_amount(text) == fen


@pytest.mark.parametrize("text", [
    "", " ", "0", "0.00", "-5", "abc", "1.001", "1.2.3", "万", "1e5", "5万万", "NaN", "Infinity",
    "1" * 80, "9" * 20, "١٢٣",  # Arabic-Indic digits are not an amount a clerk types
])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(DomainError) as err:
        money.parse_amount(text)
    assert err.value.code == "money.bad_amount"
    assert err.value.field == "amount"


@given(st.text(max_size=100))
@settings(max_examples=400, deadline=None)
def test_parse_amount_only_ever_raises_domain_errors(text: str) -> None:
    try:
        fen = money.parse_amount(text)
    except DomainError as exc:
        assert exc.code == "money.bad_amount"
    else:
        assert isinstance(fen, int) and 0 < fen <= money.MAX_FEN


@given(st.integers(min_value=1, max_value=money.MAX_FEN))
@settings(max_examples=200, deadline=None)
def test_format_then_parse_round_trips(fen: int) -> None:
    assert money.parse_amount(money.format_amount(fen)) == fen


@pytest.mark.parametrize("fen, kwargs, text", [
    (50_000_000, {}, "500,000.00"),
    (50_000_050, {}, "500,000.50"),
    (50_000_000, {"symbol": True, "short": True}, "¥500,000"),
    (50_000_001, {"symbol": True, "short": True}, "¥500,000.01"),
    (100_000, {"symbol": True, "currency": "USD"}, "USD 1,000.00"),
    (-1_234, {}, "-12.34"),
    (50_000_000, {"privacy": True}, "***"),
    (None, {}, ""),
])
def test_format_amount(fen: int, kwargs: dict, text: str) -> None:
    assert money.format_amount(fen, **kwargs) == text


@pytest.mark.parametrize("text, stored", [("1.45", "1.45"), ("1.450%", "1.450"), ("０.５", "0.5"), ("0", "0")])
def test_rates_are_decimal_strings(text: str, stored: str) -> None:
    assert money.parse_rate(text) == stored
    assert Decimal(money.parse_rate(text)) == Decimal(stored)


@pytest.mark.parametrize("parse, text, code", [
    (money.parse_rate, "101", "money.bad_rate"), (money.parse_rate, "-1", "money.bad_rate"),
    (money.parse_rate, "abc", "money.bad_rate"), (money.parse_price, "0", "money.bad_price"),
    (money.parse_price, "1,2x", "money.bad_price"),
])
def test_bad_rates_and_prices(parse, text: str, code: str) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as err:
        parse(text)
    assert err.value.code == code


def test_prices_keep_the_scale_typed() -> None:
    assert money.parse_price("1.0000") == "1.0000"
    assert money.parse_pct("5%", "take_profit") == "5"


# --- terms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, months", [
    ("3m", 3), ("6m", 6), ("1y", 12), ("2y", 24), ("3y", 36), ("5y", 60), ("18m", 18),
    ("18 months", 18), ("1 month", 1), ("3个月", 3), ("1年", 12), ("3年期", 36), ("三个月", 3),
    ("六个月", 6), ("十八个月", 18), ("一年", 12), ("两年", 24), ("半年", 6), ("1.5y", 18),
    ("3M", 3), ("２年", 24), (9, 9),
])
def test_parse_term(text: str, months: int) -> None:
    assert money.parse_term(text) == months


@pytest.mark.parametrize("text", ["", "0m", "3", "3d", "1.3y", "abc", "601m", "51y", "-3m", "m", 0])
def test_bad_terms(text) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as err:
        money.parse_term(text)
    assert err.value.code == "money.bad_term" and err.value.field == "term"


# --- maturities --------------------------------------------------------------------------------------


@pytest.mark.parametrize("start, months, k, maturity", [
    (D(2026, 1, 31), 1, 1, D(2026, 2, 28)),  # the last day of a short month
    (D(2024, 1, 31), 1, 1, D(2024, 2, 29)),  # ...of a leap February
    (D(2026, 1, 31), 1, 2, D(2026, 3, 31)),  # from the start: not Mar 28
    (D(2026, 1, 31), 1, 3, D(2026, 4, 30)),
    (D(2024, 2, 29), 12, 1, D(2025, 2, 28)),  # Feb 29 + 1y
    (D(2024, 2, 29), 12, 4, D(2028, 2, 29)),  # and back on the 29th in the next leap year
    (D(2026, 3, 31), 1, 1, D(2026, 4, 30)),
    (D(2025, 8, 31), 6, 1, D(2026, 2, 28)),
    (D(2026, 11, 30), 3, 1, D(2027, 2, 28)),
    (D(2023, 12, 31), 2, 1, D(2024, 2, 29)),
    (D(2026, 5, 15), 3, 1, D(2026, 8, 15)),
    (D(2026, 1, 31), 60, 1, D(2031, 1, 31)),
    (D(2026, 8, 30), 6, 1, D(2027, 2, 28)),
])
def test_maturity_for(start: dt.date, months: int, k: int, maturity: dt.date) -> None:
    assert money.maturity_for(start, months, k) == maturity


def test_stepping_would_drift_and_we_do_not_step() -> None:
    start = D(2026, 1, 31)
    stepped = money.maturity_for(money.maturity_for(start, 1), 1)
    assert stepped == D(2026, 3, 28)
    assert money.maturity_for(start, 1, 2) == D(2026, 3, 31)


@pytest.mark.parametrize("start", [D(2026, 1, 31), D(2024, 2, 29), D(2025, 8, 31), D(2026, 3, 30),
                                   D(2026, 5, 29), D(2026, 6, 15)])
@pytest.mark.parametrize("term", [1, 3, 6, 12, 36])
def test_rollover_chains_never_drift(start: dt.date, term: int) -> None:
    chain = [money.maturity_for(start, term, k) for k in range(1, 25)]
    for k, maturity in enumerate(chain, 1):
        assert maturity == start + relativedelta(months=term * k)
        month_end = (maturity + relativedelta(day=31)).day
        assert maturity.day == min(start.day, month_end)  # only ever clamped, never drifted
        # the card's "next maturity" of a rolling deposit, from any day of the period before it
        first_day = chain[k - 2] + dt.timedelta(days=1) if k > 1 else start
        for today in {first_day, maturity}:
            assert money.next_maturity_of(start, term, chain[0], True, today) == (maturity, k)
    assert chain == sorted(set(chain))


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)), st.integers(1, 120),
       st.integers(1, 24))
@settings(max_examples=300, deadline=None)
def test_maturity_is_start_plus_k_terms_never_stepped(start: dt.date, months: int, k: int) -> None:
    maturity = money.maturity_for(start, months, k)
    assert maturity == start + relativedelta(months=months * k)
    assert maturity.day == min(start.day, (maturity + relativedelta(day=31)).day)


def test_a_given_maturity_that_differs_anchors_the_next_periods() -> None:
    # imported: 2026-01-31 for 1y, matures 2027-02-01 by the bank's own system
    start, given_date = D(2026, 1, 31), D(2027, 2, 1)
    assert money.next_maturity_of(start, 12, given_date, True, D(2027, 2, 2)) == (D(2028, 2, 1), 2)
    # a given date equal to start + term: the chain runs from the start (no Feb 28 drift)
    assert money.next_maturity_of(D(2026, 1, 31), 1, D(2026, 2, 28), True, D(2026, 3, 1)) == (D(2026, 3, 31), 2)
    # no term, but a whole number of months: read from the dates
    assert money.next_maturity_of(D(2026, 1, 31), None, D(2026, 4, 30), True, D(2026, 5, 1)) == (D(2026, 7, 31), 2)
    # no term and no whole months: it can't roll, the maturity stays
    assert money.next_maturity_of(D(2026, 1, 5), None, D(2026, 4, 30), True, D(2026, 5, 1)) == (D(2026, 4, 30), 1)


# --- deposits ---------------------------------------------------------------------------------------


def test_add_deposit_with_term(book: Book, client_id: int) -> None:
    view = money.add_deposit(book, client_id, "50万", "2026-01-31", term="1m", rate="1.45",
                             today=D(2026, 2, 1))
    assert (view.amount_fen, view.maturity, view.term_months, view.maturity_given) == (50_000_000, D(2026, 2, 28), 1, False)
    assert view.rate == "1.45" and view.kind == "time" and view.currency == "CNY" and view.status == "active"
    assert view.next_maturity == D(2026, 2, 28) and view.days_left == 27
    with book.read() as session:
        row = session.get(Deposit, view.id)
    assert row.amount_fen == 50_000_000 and row.maturity == D(2026, 2, 28)


def test_explicit_maturity_wins(book: Book, client_id: int) -> None:
    view = money.add_deposit(book, client_id, "100000", D(2026, 1, 31), term="1y", maturity="2027-02-01",
                             today=D(2026, 2, 1))
    assert view.maturity == D(2027, 2, 1) and view.maturity_given and view.term_months == 12
    only_date = money.add_deposit(book, client_id, "100000", D(2026, 1, 5), maturity=D(2026, 7, 5), kind="大额存单")
    assert only_date.term_months is None and only_date.kind == "cd"


@pytest.mark.parametrize("kwargs, code, field", [
    (dict(amount="0", term="1y"), "money.bad_amount", "amount"),
    (dict(amount="abc", term="1y"), "money.bad_amount", "amount"),
    (dict(amount="1000"), "deposit.need_term", "term"),
    (dict(amount="1000", term="1 fortnight"), "money.bad_term", "term"),
    (dict(amount="1000", maturity="2025-12-31"), "deposit.maturity_before_start", "maturity"),
    (dict(amount="1000", maturity="2026-02-30"), "money.bad_date", "maturity"),
    (dict(amount="1000", term="1y", rate="abc"), "money.bad_rate", "rate"),
    (dict(amount="1000", term="1y", kind="stock"), "deposit.bad_kind", "kind"),
    (dict(amount="1000", term="1y", currency="dollars"), "money.bad_currency", "currency"),
    (dict(amount="1000", term="1y", start="yesterday"), "money.bad_date", "start"),
])
def test_bad_deposits_name_the_field_and_change_nothing(book: Book, client_id: int, kwargs: dict,
                                                       code: str, field: str) -> None:
    kwargs = {"start": D(2026, 1, 1), **kwargs}
    with pytest.raises(DomainError) as err:
        money.add_deposit(book, client_id, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)
    assert _count(book, Deposit) == 0


def test_deposit_of_an_unknown_or_deleted_client(book: Book, client_id: int) -> None:
    with pytest.raises(DomainError) as err:
        money.add_deposit(book, 999, "1000", D(2026, 1, 1), term="1y")
    assert err.value.code == "client.not_found"
    ops.delete_client(book, client_id)
    with pytest.raises(DomainError):
        money.add_deposit(book, client_id, "1000", D(2026, 1, 1), term="1y")
    assert _count(book, Deposit) == 0


def test_auto_rollover_shows_the_coming_maturity(book: Book, client_id: int) -> None:
    dep = money.add_deposit(book, client_id, "10万", "2026-01-31", term="1m", rollover=True)
    views = {day: money.get_deposit(book, dep.id, day) for day in (D(2026, 2, 28), D(2026, 3, 1), D(2026, 5, 1))}
    assert views[D(2026, 2, 28)].next_maturity == D(2026, 2, 28)  # on the day, still this one
    assert views[D(2026, 3, 1)].next_maturity == D(2026, 3, 31)  # not Mar 28
    assert (views[D(2026, 5, 1)].next_maturity, views[D(2026, 5, 1)].period) == (D(2026, 5, 31), 4)
    assert not views[D(2026, 5, 1)].past_maturity
    plain = money.add_deposit(book, client_id, "10万", "2026-01-31", term="1m")
    late = money.get_deposit(book, plain.id, D(2026, 3, 5))
    assert late.next_maturity == D(2026, 2, 28) and late.days_left == -5 and late.past_maturity


def test_a_maturity_on_a_holiday_is_marked_with_the_day_to_call_by(book: Book, client_id: int) -> None:
    view = money.add_deposit(book, client_id, "50万", "2025-10-01", term="1y", today=D(2026, 9, 1))
    assert view.next_maturity == D(2026, 10, 1)
    assert view.maturity_workday is False and view.call_by == D(2026, 9, 30)
    workday = money.add_deposit(book, client_id, "50万", "2025-09-30", term="1y", today=D(2026, 9, 1))
    assert workday.maturity_workday is True and workday.call_by is None
    # a make-up workday (调休) is a working day: Saturday 2026-02-28
    makeup = money.add_deposit(book, client_id, "1万", "2026-01-31", term="1m", today=D(2026, 2, 1))
    assert makeup.next_maturity == D(2026, 2, 28) and makeup.maturity_workday


def test_edit_deposit(book: Book, client_id: int) -> None:
    dep = money.add_deposit(book, client_id, "10万", "2026-01-31", term="1m")
    edited = money.edit_deposit(book, dep.id, term="3m", note=" 到期转理财 ")
    assert edited.maturity == D(2026, 4, 30) and edited.note == "到期转理财"
    given = money.edit_deposit(book, dep.id, maturity="2026-05-06")
    assert given.maturity == D(2026, 5, 6) and given.maturity_given
    kept = money.edit_deposit(book, dep.id, start="2026-02-01")  # a given maturity stays given
    assert kept.maturity == D(2026, 5, 6) and kept.start == D(2026, 2, 1)
    computed = money.edit_deposit(book, dep.id, maturity="")
    assert computed.maturity == D(2026, 5, 1) and not computed.maturity_given
    flipped = money.edit_deposit(book, dep.id, rollover=True, amount="20万", rate="2.1", kind="cd")
    assert (flipped.rollover, flipped.amount_fen, flipped.rate, flipped.kind) == (True, 20_000_000, "2.1", "cd")
    with pytest.raises(DomainError) as err:
        money.edit_deposit(book, dep.id, start="2026-06-01", maturity="2026-05-01")
    assert err.value.field == "maturity"
    assert money.get_deposit(book, dep.id).start == D(2026, 2, 1)  # unchanged
    with pytest.raises(TypeError):
        money.edit_deposit(book, dep.id, status="closed")


def test_close_deposit(book: Book, client_id: int) -> None:
    dep = money.add_deposit(book, client_id, "10万", "2026-01-01", term="6m")
    with pytest.raises(DomainError) as err:
        money.close_deposit(book, dep.id, "spent")
    assert err.value.code == "deposit.bad_close"
    with pytest.raises(DomainError) as err:
        money.close_deposit(book, dep.id, "withdrawn", on="2025-12-31")
    assert err.value.code == "deposit.close_before_start"
    closed = money.close_deposit(book, dep.id, "rolled", on="2026-07-01")
    assert (closed.status, closed.closed_on, closed.days_left) == ("rolled", D(2026, 7, 1), None)
    with pytest.raises(DomainError) as err:
        money.close_deposit(book, dep.id, "withdrawn")
    assert err.value.code == "deposit.not_active"
    with pytest.raises(DomainError) as err:
        money.close_deposit(book, 999, "withdrawn")
    assert err.value.code == "deposit.not_found"


def test_list_deposits_active_first_by_coming_maturity(book: Book, client_id: int) -> None:
    today = D(2026, 5, 1)
    late = money.add_deposit(book, client_id, "1万", "2026-01-01", term="1y")
    soon = money.add_deposit(book, client_id, "2万", "2026-01-31", term="1m", rollover=True)
    closed = money.add_deposit(book, client_id, "3万", "2025-01-01", term="3m")
    money.close_deposit(book, closed.id, "withdrawn", on="2025-04-01")
    ids = [v.id for v in money.list_deposits(book, client_id, today)]
    assert ids == [soon.id, late.id, closed.id]


# --- holdings -----------------------------------------------------------------------------------------


def _holding(book: Book, client_id: int, **kw) -> money.HoldingView:  # noqa: ANN003
    args = dict(product="稳健理财A", amount="10万", price="1.0000", purchase_date="2026-01-05",
                take_profit="5", stop_loss="3")
    args.update(kw)
    return money.add_holding(book, client_id, **args)


@pytest.mark.parametrize("latest, pct, fen, line", [
    ("1.0000", Decimal("0"), 0, None),
    ("1.0499", Decimal("4.99"), 499_000, None),
    ("1.05", Decimal("5"), 500_000, "take_profit"),  # exactly on the line: crossed
    ("1.2", Decimal("20"), 2_000_000, "take_profit"),
    ("0.9701", Decimal("-2.99"), -299_000, None),
    ("0.97", Decimal("-3"), -300_000, "stop_loss"),
    ("0.5", Decimal("-50"), -5_000_000, "stop_loss"),
])
def test_pnl_and_lines(book: Book, client_id: int, latest: str, pct: Decimal, fen: int, line: str | None) -> None:
    h = _holding(book, client_id)
    view = money.price_holding(book, h.id, latest, "2026-03-01")
    assert view.pnl_pct == pct and isinstance(view.pnl_pct, Decimal)
    assert view.pnl_fen == fen and view.line == line
    assert view.value_fen == 10_000_000 + fen


@pytest.mark.parametrize("amount_fen, buy, now, fen", [
    (100, "2", "2.01", 0),  # 0.5 fen: half to even -> 0
    (300, "2", "2.01", 2),  # 1.5 fen -> 2
    (500, "2", "2.01", 2),  # 2.5 fen -> 2
    (100, "3", "4", 33),  # 33.33...
    (200, "3", "4", 67),  # 66.66...
])
def test_pnl_rounds_half_even_to_the_fen(amount_fen: int, buy: str, now: str, fen: int) -> None:
    assert money._pnl(amount_fen, buy, now)[1] == fen


def test_lines_compare_exactly() -> None:
    # 1/3 up: a rounded percent would say 33.3333; the line at 33.33334 is not crossed
    assert money._line("3", "4", "33.33334", None) is None
    assert money._line("3", "4", "33.33333", None) == "take_profit"
    assert money._line("3", "2", None, "33.33333") == "stop_loss"
    assert money._line("3", "2", None, "33.33334") is None
    assert money._line("1", None, "1", "1") is None


def test_price_updates(book: Book, client_id: int) -> None:
    h = _holding(book, client_id)
    assert h.latest_price is None and h.pnl_pct is None and h.line is None
    money.price_holding(book, h.id, "1.01", "2026-02-01")
    money.price_holding(book, h.id, "1.02", "2026-02-01")  # the same day again: replaced
    view = money.price_holding(book, h.id, "1.03", D(2026, 3, 1))
    back = money.price_holding(book, h.id, "0.90", "2026-01-20")  # back-filled: not the latest
    assert (back.latest_price, back.latest_price_date) == ("1.03", D(2026, 3, 1)) == (view.latest_price, view.latest_price_date)
    assert money.price_history(book, h.id) == [(D(2026, 1, 20), "0.90"), (D(2026, 2, 1), "1.02"), (D(2026, 3, 1), "1.03")]
    with pytest.raises(DomainError) as err:
        money.price_holding(book, h.id, "1.0", "2026-01-01")
    assert err.value.code == "holding.price_before_purchase"
    with pytest.raises(DomainError) as err:
        money.price_holding(book, h.id, "-1", "2026-04-01")
    assert (err.value.code, err.value.field) == ("money.bad_price", "price")
    assert _count(book, HoldingPrice) == 3


def test_sell_holding(book: Book, client_id: int) -> None:
    h = _holding(book, client_id)
    sold = money.sell_holding(book, h.id, "1.10", "2026-04-01")
    assert sold.status == "sold" and sold.latest_price == "1.10" and sold.line is None  # no alert once sold
    assert sold.pnl_pct == Decimal("10")
    with pytest.raises(DomainError) as err:
        money.price_holding(book, h.id, "1.2", "2026-04-02")
    assert err.value.code == "holding.not_held"
    with pytest.raises(DomainError):
        money.sell_holding(book, h.id)


def test_bad_holdings_change_nothing(book: Book, client_id: int) -> None:
    for kw, field in ((dict(product="  "), "product"), (dict(amount="-1"), "amount"), (dict(price="0"), "price"),
                      (dict(take_profit="-5"), "take_profit"), (dict(stop_loss="x"), "stop_loss"),
                      (dict(purchase_date="2026-13-01"), "date"), (dict(kind="stock"), "kind")):
        with pytest.raises(DomainError) as err:
            _holding(book, client_id, **kw)
        assert err.value.field == field
    assert _count(book, Holding) == 0


def test_edit_holding_list_and_alert_told(book: Book, client_id: int) -> None:
    a = _holding(book, client_id, product="A", purchase_date="2026-01-01")
    b = _holding(book, client_id, product="B", purchase_date="2026-02-01", kind="基金")
    assert b.kind == "fund"
    money.price_holding(book, b.id, "0.5", "2026-03-01")  # crossed the stop-loss: listed first
    assert [v.product for v in money.list_holdings(book, client_id)] == ["B", "A"]
    edited = money.edit_holding(book, a.id, take_profit="", expected_yield="3.2", product="A2")
    assert (edited.take_profit_pct, edited.expected_yield, edited.product) == (None, "3.2", "A2")
    told = money.mark_alert_told(book, b.id, D(2026, 3, 2))
    assert told.alert_told_on == D(2026, 3, 2)


# --- key dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("when, kind, month, day, leap, year", [
    ("2015-06-18", "solar", 6, 18, False, 2015),
    ("6月18日", "solar", 6, 18, False, None),
    ("8/15", "solar", 8, 15, False, None),
    ("农历八月十五", "lunar", 8, 15, False, None),
    ("农历闰六月初一", "lunar", 6, 1, True, None),
    ("lunar 8/15", "lunar", 8, 15, False, None),
    ("2027-03-01", "solar", 3, 1, False, 2027),  # an opening planned next year
    (("lunar", 12, 30, False, 1990), "lunar", 12, 30, False, 1990),
    (Birthday("solar", 2, 29), "solar", 2, 29, False, None),
])
def test_add_keydate_forms(book: Book, client_id: int, when, kind: str, month: int, day: int,  # noqa: ANN001
                           leap: bool, year: int | None) -> None:
    view = money.add_keydate(book, client_id, "饭店开业", when, today=D(2026, 6, 1))
    assert (view.kind, view.month, view.day, view.leap, view.year) == (kind, month, day, leap, year)
    assert money.list_keydates(book, client_id) == [view]


@pytest.mark.parametrize("label, when, code, field", [
    ("开业", "2/30", "keydate.bad_date", "date"),
    ("开业", "someday", "keydate.bad_date", "date"),
    ("开业", "", "keydate.bad_date", "date"),
    ("开业", "2099-01-01", "keydate.bad_date", "date"),
    ("开业", ("lunar", 13, 1, False, None), "keydate.bad_date", "date"),
    ("开业", ("solar", 2, 1, True, None), "keydate.bad_date", "date"),
    ("  ", "2015-06-18", "keydate.label_empty", "label"),
])
def test_bad_keydates(book: Book, client_id: int, label: str, when, code: str, field: str) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as err:
        money.add_keydate(book, client_id, label, when, today=D(2026, 6, 1))
    assert (err.value.code, err.value.field) == (code, field)
    assert _count(book, KeyDate) == 0


def test_edit_and_delete_keydate(book: Book, client_id: int) -> None:
    view = money.add_keydate(book, client_id, "结婚", "1990-06-01")
    edited = money.edit_keydate(book, view.id, label="结婚纪念日", when=money.lunar_text("05-05", leap=True))
    assert (edited.label, edited.kind, edited.month, edited.day, edited.leap, edited.year) == ("结婚纪念日", "lunar", 5, 5, True, None)
    assert edited.text == "L*05-05"
    money.delete_keydate(book, view.id)
    assert money.list_keydates(book, client_id) == []
    with pytest.raises(DomainError) as err:
        money.delete_keydate(book, view.id)
    assert err.value.code == "keydate.not_found"


@pytest.mark.parametrize("text, leap, out", [
    ("08-15", False, "lunar08-15"), ("08-15", True, "lunar闰08-15"), ("1975-06-01", True, "lunar闰1975-06-01"),
    ("农历八月十五", False, "农历八月十五"), ("农历六月初一", True, "农历闰六月初一"), ("农历闰六月初一", True, "农历闰六月初一"),
])
def test_lunar_text(text: str, leap: bool, out: str) -> None:
    assert money.lunar_text(text, leap) == out


def test_every_new_code_has_both_languages() -> None:
    from memo.i18n import CATALOG

    found = set()
    for module in ("money.py", "values.py", "yearly.py", "cli_money.py"):
        source = (Path(money.__file__).parent / module).read_text(encoding="utf-8")
        found |= set(re.findall(r"""["']((?:money|deposit|holding|keydate|calendar|yearly)\.[a-z_]+)["']""", source))
    found -= {"money.py", "values.py", "yearly.py", "calendar.source"}  # file names, a label group
    assert {"money.bad_amount", "deposit.not_found", "holding.not_held", "keydate.bad_date"} <= found
    assert sorted(found - set(CATALOG)) == []
    for group, codes in (("deposit_kind", ("time", "cd", "other")),
                         ("deposit_status", ("active", "matured", "withdrawn", "rolled")),
                         ("holding_kind", ("wealth", "fund", "gold", "other")), ("line", ("take_profit", "stop_loss")),
                         ("calendar.source", ("official", "computed", "override", "weekend", "weekday"))):
        for code in codes:
            assert f"{group}.{code}" in CATALOG

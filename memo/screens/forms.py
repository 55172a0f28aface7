"""The card's forms: deposits, holdings and key dates, each a FormDialog over the headless core."""

from __future__ import annotations

import datetime as dt

from memo import money, ops
from memo.db import Book
from memo.i18n import label, t
from memo.models import DEPOSIT_KINDS, HOLDING_KINDS
from memo.screens.form import Field, FormDialog


def _kinds(group: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(label(group, code), code) for code in codes]


def _deposit_fields(today: dt.date, d: money.DepositView | None = None) -> list[Field]:
    return [
        Field("amount", t("form.amount"), money.format_amount(d.amount_fen) if d else "", "500000"),
        Field("start", t("form.start"), (d.start if d else today).isoformat()),
        Field("term", t("form.term"), f"{d.term_months}m" if d and d.term_months else ("" if d else "1y")),
        Field("maturity", t("form.maturity"), d.maturity.isoformat() if d and d.maturity_given else "",
              "YYYY-MM-DD"),
        Field("rate", t("form.rate"), d.rate or "" if d else "", "1.45"),
        Field("kind", t("form.kind"), d.kind if d else "time", options=_kinds("deposit_kind", DEPOSIT_KINDS)),
        Field("rollover", t("form.rollover"), d.rollover if d else False, checkbox=True),
        Field("note", t("form.note"), d.note if d else ""),
    ]


def add_deposit(book: Book, client_id: int, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.DepositView:
        return money.add_deposit(book, client_id, v["amount"], v["start"], term=v["term"] or None,
                                 maturity=v["maturity"] or None, rate=v["rate"] or None,
                                 rollover=v["rollover"], kind=v["kind"], note=v["note"], today=today)

    return FormDialog(t("card.add_deposit"), _deposit_fields(today), save)


def edit_deposit(book: Book, deposit: money.DepositView, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.DepositView:
        return money.edit_deposit(book, deposit.id, today=today, **v)

    return FormDialog(t("card.edit_item"), _deposit_fields(today, deposit), save)


def close_deposit(book: Book, deposit: money.DepositView, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.DepositView:
        return money.close_deposit(book, deposit.id, as_=v["as"], on=v["on"], today=today)

    fields = [
        Field("as", t("form.close_as"), "withdrawn" if not deposit.rollover else "rolled",
              options=_kinds("deposit_status", ("withdrawn", "rolled"))),
        Field("on", t("form.close_on"), min(today, deposit.next_maturity).isoformat()
              if deposit.next_maturity >= deposit.start else today.isoformat()),
    ]
    return FormDialog(t("card.close_deposit"), fields, save)


def add_holding(book: Book, client_id: int, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.HoldingView:
        return money.add_holding(book, client_id, v["product"], v["amount"], v["price"], v["purchase_date"],
                                 kind=v["kind"], take_profit=v["take_profit"] or None,
                                 stop_loss=v["stop_loss"] or None)

    fields = [
        Field("product", t("form.product")),
        Field("kind", t("form.kind"), "wealth", options=_kinds("holding_kind", HOLDING_KINDS)),
        Field("amount", t("form.amount"), "", "200000"),
        Field("price", t("form.price"), "1.0000"),
        Field("purchase_date", t("form.purchase_date"), today.isoformat()),
        Field("take_profit", t("form.take_profit"), "", "8"),
        Field("stop_loss", t("form.stop_loss"), "", "5"),
    ]
    return FormDialog(t("card.add_holding"), fields, save)


def price_holding(book: Book, holding: money.HoldingView, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.HoldingView:
        return money.price_holding(book, holding.id, v["price"], on=v["on"])

    fields = [
        Field("price", t("form.latest_price"), holding.latest_price or holding.purchase_price),
        Field("on", t("form.price_on"), today.isoformat()),
    ]
    return FormDialog(f"{t('card.price')}: {holding.product}", fields, save)


def add_phone(book: Book, client_id: int) -> FormDialog:
    def save(v: dict) -> object:
        return ops.add_phone(book, client_id, v["phone"], v["label"])

    fields = [Field("phone", t("phone.number"), placeholder="13800138000"), Field("label", t("phone.label"))]
    return FormDialog(t("phone.add_title"), fields, save)


def add_keydate(book: Book, client_id: int, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.KeyDateView:
        return money.add_keydate(book, client_id, v["label"], v["when"], today=today)

    fields = [Field("label", t("form.label")), Field("when", t("form.date"))]
    return FormDialog(t("card.add_keydate"), fields, save)


def edit_keydate(book: Book, keydate: money.KeyDateView, today: dt.date) -> FormDialog:
    def save(v: dict) -> money.KeyDateView:
        return money.edit_keydate(book, keydate.id, label=v["label"], when=v["when"], today=today)

    fields = [Field("label", t("form.label"), keydate.label), Field("when", t("form.date"), keydate.text)]
    return FormDialog(t("card.edit_item"), fields, save)



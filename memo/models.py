"""The book's tables.

Every entity of PRODUCT.md is laid here, even those whose screens come later, so later work adds
behaviour rather than churning the schema. Money is integer fen (1 yuan = 100 fen), rates and
prices are decimal strings: never a float. Kinds and statuses are short ASCII codes checked by
the database; their words for people live in the message catalog.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, Index, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from memo.codes import (  # noqa: F401  (re-exported: the codes are part of the models)
    CAMPAIGN_METHODS, CHANNELS, CROSSED_LINES, DATE_KINDS, DEPOSIT_KINDS, DEPOSIT_STATUSES, FREQUENCIES,
    HOLDING_KINDS, HOLDING_STATUSES, HONORIFICS, INVITATION_STATUSES, MEMO_KINDS, MEMO_STATUSES, OUTCOMES,
    REASON_KINDS, RISKS, TIERS,
)


def _in(column: str, values: tuple[str, ...], nullable: bool = False) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    test = f"{column} IN ({listed})"
    if nullable:
        test = f"{column} IS NULL OR {test}"
    return CheckConstraint(test, name=f"ck_{column}_in")


def _now() -> dt.datetime:
    # Local wall-clock time, naive: one manager, one desk, one time zone.
    return dt.datetime.now().replace(microsecond=0)


class Stamped(SQLModel):
    created_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Client(Stamped, table=True):
    __table_args__ = (
        _in("tier", TIERS),
        _in("risk", RISKS, nullable=True),
        _in("honorific", HONORIFICS, nullable=True),
        _in("birth_kind", DATE_KINDS, nullable=True),
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="ck_birth_month"),
        CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name="ck_birth_day"),
        CheckConstraint(
            "(birth_kind IS NULL) = (birth_month IS NULL) AND (birth_month IS NULL) = (birth_day IS NULL)",
            name="ck_birth_whole",
        ),
        Index("ix_client_initials", "name_initials", "name"),  # walked in the order shown
        Index("ix_client_pinyin", "name_pinyin"),
        Index("ix_client_name", "name"),
        Index("ix_client_birth", "birth_kind", "birth_month", "birth_day"),
        # the today list's cadence and festival reasons, read from the index alone
        Index("ix_client_cadence", "tier", "last_contact_on", "created_at", "do_not_call",
              sqlite_where=text("deleted_at IS NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    # Empty name = a stub made from a bare phone number, to be completed later.
    name: str = Field(default="", nullable=False)
    honorific: Optional[str] = None
    tier: str = Field(default="regular", nullable=False)
    risk: Optional[str] = None
    birth_kind: Optional[str] = None
    birth_year: Optional[int] = None
    birth_month: Optional[int] = None
    birth_day: Optional[int] = None
    birth_leap: bool = Field(default=False, nullable=False)
    client_since: Optional[dt.date] = None
    profile: str = Field(default="", nullable=False)  # free facts: family, business, preferences
    do_not_call: bool = Field(default=False, nullable=False)
    call_hours: str = Field(default="", nullable=False)  # e.g. "9-11, 14-17"
    id_last4: Optional[str] = None  # full ID numbers are never stored
    name_initials: str = Field(default="", nullable=False)  # search keys, computed on save
    name_pinyin: str = Field(default="", nullable=False)
    deleted_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    # The day of the last call that reached the client (any outcome but no answer), kept on each
    # logged call: the today list's cadence and "handled" checks read it through an index.
    last_contact_on: Optional[dt.date] = None


class ClientTag(SQLModel, table=True):
    __table_args__ = (Index("ix_tag_tag", "tag", "client_id"),)

    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True)


class Phone(SQLModel, table=True):
    """One number of one client. A number shared by a family is one row per client."""

    __table_args__ = (
        UniqueConstraint("client_id", "number", name="uq_phone_client_number"),
        CheckConstraint("length(number) BETWEEN 7 AND 12", name="ck_phone_length"),
        Index("ix_phone_number", "number"),
        Index("ix_phone_rev", "rev"),
        Index("ix_phone_client", "client_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    number: str = Field(nullable=False)  # normalized digits
    rev: str = Field(nullable=False)  # digits reversed: suffix search becomes an indexed range
    label: str = Field(default="", nullable=False)  # 本人, 配偶, 子女, 单位...
    created_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Memo(Stamped, table=True):
    __table_args__ = (
        _in("kind", MEMO_KINDS),
        _in("status", MEMO_STATUSES),
        CheckConstraint("length(text) > 0", name="ck_memo_text"),
        Index("ix_memo_client", "client_id", "created_at"),
        # The today list: open requests/callbacks by due date, covering what its reasons read
        # (sqlite 3.40 counts the partial index's own WHERE columns as read: they are in it too).
        Index("ix_memo_open_due", "kind", "due", "client_id", "created_at", "status", "deleted_at",
              sqlite_where=text("status = 'open' AND deleted_at IS NULL")),
        # Open requests per client (search hits, the card): a small covering index.
        Index("ix_memo_open_client", "client_id", "kind",
              sqlite_where=text("status = 'open' AND deleted_at IS NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: Optional[int] = Field(default=None, foreign_key="client.id", ondelete="SET NULL")
    text: str = Field(nullable=False)
    kind: str = Field(default="request", nullable=False)
    due: Optional[dt.date] = None
    status: str = Field(default="open", nullable=False)
    resolution: str = Field(default="", nullable=False)
    resolved_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    deleted_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)


class Deposit(Stamped, table=True):
    __table_args__ = (
        _in("kind", DEPOSIT_KINDS),
        _in("status", DEPOSIT_STATUSES),
        CheckConstraint("amount_fen > 0", name="ck_deposit_amount"),
        CheckConstraint("term_months IS NULL OR term_months > 0", name="ck_deposit_term"),
        CheckConstraint("maturity >= start", name="ck_deposit_maturity"),
        Index("ix_deposit_client", "client_id"),
        # target lists: a client's active money at stake, from the index alone
        Index("ix_deposit_client_active", "client_id", "amount_fen", "rollover",
              sqlite_where=text("status = 'active'")),
        # deposits by maturity, covering what the today list and target lists read of them
        Index("ix_deposit_active_maturity", "status", "maturity", "rollover", "client_id", "amount_fen"),
        # Active rolling deposits by (term, month phase, day): which ones mature on a given date,
        # whatever their period, is a few equality lookups (memo.agenda).
        Index("ix_deposit_roll", "roll_term", "roll_phase", "roll_day",
              sqlite_where=text("status = 'active' AND rollover = 1 AND roll_term IS NOT NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    amount_fen: int = Field(nullable=False)
    currency: str = Field(default="CNY", nullable=False)
    start: dt.date = Field(nullable=False)
    term_months: Optional[int] = None  # None: an explicit maturity date only
    maturity: dt.date = Field(nullable=False)  # the first maturity (computed, or given)
    maturity_given: bool = Field(default=False, nullable=False)  # a given date wins over start+term
    rate: Optional[str] = None  # annual percent as a decimal string, "1.45"
    rollover: bool = Field(default=False, nullable=False)
    kind: str = Field(default="time", nullable=False)
    status: str = Field(default="active", nullable=False)
    closed_on: Optional[dt.date] = None
    note: str = Field(default="", nullable=False)
    # The maturity chain as keys (memo.terms.roll_keys): term months, the anchor's month index
    # modulo the term, its day. NULL when the dates make no chain.
    roll_term: Optional[int] = None
    roll_phase: Optional[int] = None
    roll_day: Optional[int] = None


class Holding(Stamped, table=True):
    __table_args__ = (
        _in("kind", HOLDING_KINDS),
        _in("status", HOLDING_STATUSES),
        CheckConstraint("amount_fen > 0", name="ck_holding_amount"),
        Index("ix_holding_client", "client_id"),
        Index("ix_holding_product", "product"),
        Index("ix_holding_untold", "client_id",
              sqlite_where=text("status = 'held' AND crossed IS NOT NULL AND alert_told_on IS NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    product: str = Field(nullable=False)
    kind: str = Field(default="wealth", nullable=False)
    purchase_date: dt.date = Field(nullable=False)
    amount_fen: int = Field(nullable=False)
    purchase_price: str = Field(nullable=False)  # decimal string
    expected_yield: Optional[str] = None  # annual percent, decimal string
    take_profit_pct: Optional[str] = None  # percent above the purchase price
    stop_loss_pct: Optional[str] = None  # percent below the purchase price
    latest_price: Optional[str] = None
    latest_price_date: Optional[dt.date] = None
    alert_told_on: Optional[dt.date] = None  # a crossed line told to the client
    status: str = Field(default="held", nullable=False)
    crossed: Optional[str] = None  # the line the latest price crossed, kept on each write


class HoldingPrice(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("holding_id", "on", name="uq_holding_price_day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    holding_id: int = Field(foreign_key="holding.id", nullable=False, ondelete="CASCADE")
    on: dt.date = Field(nullable=False)
    price: str = Field(nullable=False)


class KeyDate(Stamped, table=True):
    """A yearly date other than the birthday: business opening, wedding, client since..."""

    __table_args__ = (
        _in("kind", DATE_KINDS),
        CheckConstraint("month BETWEEN 1 AND 12", name="ck_keydate_month"),
        CheckConstraint("day BETWEEN 1 AND 31", name="ck_keydate_day"),
        Index("ix_keydate_client", "client_id"),
        Index("ix_keydate_md", "kind", "month", "day"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    label: str = Field(nullable=False)
    kind: str = Field(default="solar", nullable=False)
    year: Optional[int] = None
    month: int = Field(nullable=False)
    day: int = Field(nullable=False)
    leap: bool = Field(default=False, nullable=False)


class Campaign(Stamped, table=True):
    __table_args__ = (
        _in("method", CAMPAIGN_METHODS),
        _in("frequency", FREQUENCIES),
        CheckConstraint("cost_fen IS NULL OR cost_fen >= 0", name="ck_campaign_cost"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(nullable=False)
    theme: str = Field(default="", nullable=False)
    method: str = Field(default="phone", nullable=False)
    on: Optional[dt.date] = None
    cost_fen: Optional[int] = None
    frequency: str = Field(default="once", nullable=False)
    target_filter: str = Field(default="{}", nullable=False)  # JSON of the saved target filter
    results: str = Field(default="", nullable=False)


class Contact(SQLModel, table=True):
    __table_args__ = (
        _in("channel", CHANNELS),
        _in("outcome", OUTCOMES),
        CheckConstraint("sold_fen IS NULL OR sold_fen >= 0", name="ck_contact_sold"),
        Index("ix_contact_client_at", "client_id", "at"),
        Index("ix_contact_at", "at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)
    channel: str = Field(default="phone", nullable=False)
    reasons: str = Field(default="", nullable=False)  # space-separated reason kinds it answered
    outcome: str = Field(nullable=False)
    note: str = Field(default="", nullable=False)
    new_info: str = Field(default="", nullable=False)
    opportunity: str = Field(default="", nullable=False)
    sold_fen: Optional[int] = None
    next_follow_up: Optional[dt.date] = None
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Invitation(SQLModel, table=True):
    __table_args__ = (
        _in("status", INVITATION_STATUSES),
        _in("channel", CHANNELS),
        UniqueConstraint("campaign_id", "client_id", name="uq_invitation"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", nullable=False, ondelete="CASCADE")
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    channel: str = Field(default="phone", nullable=False)
    status: str = Field(default="to_invite", nullable=False)
    note: str = Field(default="", nullable=False)
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Snooze(SQLModel, table=True):
    """A today row put off: the client's reasons stay off the list until `until`."""

    __table_args__ = (
        CheckConstraint('"until" > "on"', name="ck_snooze_until"),
        Index("ix_snooze_client", "client_id", "until"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    on: dt.date = Field(nullable=False)
    until: dt.date = Field(nullable=False)
    note: str = Field(default="", nullable=False)
    created_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Dismissal(SQLModel, table=True):
    """One reason set aside with a note; `ref` names the reason and its occurrence, so it stays
    set aside (and the next occurrence, next year's birthday say, comes as usual)."""

    __table_args__ = (
        _in("kind", REASON_KINDS),
        UniqueConstraint("client_id", "ref", name="uq_dismissal_ref"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", nullable=False, ondelete="CASCADE")
    kind: str = Field(nullable=False)
    ref: str = Field(nullable=False)
    on: dt.date = Field(nullable=False)
    note: str = Field(default="", nullable=False)
    created_at: dt.datetime = Field(default_factory=_now, sa_type=DateTime, nullable=False)


class Setting(SQLModel, table=True):
    """Key/value settings of this book (weights, cadences, the quick-jot draft...), JSON values."""

    key: str = Field(primary_key=True)
    value: str = Field(nullable=False)


# Derived columns kept on every ORM write, whoever writes (bulk Core inserts call the same
# functions themselves: memo.importer).
@event.listens_for(Deposit, "before_insert")
@event.listens_for(Deposit, "before_update")
def _keep_roll_keys(_mapper, _conn, dep: Deposit) -> None:  # noqa: ANN001
    from memo.terms import roll_keys

    dep.roll_term, dep.roll_phase, dep.roll_day = roll_keys(dep.start, dep.term_months, dep.maturity)


@event.listens_for(Holding, "before_insert")
@event.listens_for(Holding, "before_update")
def _keep_crossed(_mapper, _conn, holding: Holding) -> None:  # noqa: ANN001
    from memo.money import crossed_line

    line = crossed_line(holding)
    if line != holding.crossed:
        # A new crossing (or none) is news again: the line was told for the old state.
        holding.crossed = line
        if line is not None:
            holding.alert_told_on = None

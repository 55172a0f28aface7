"""The demo book: a few hundred invented clients around one branch lobby, relative to a day.

`make_demo_book(path, today)` writes a fresh book from `data/demo_source.json` with a seeded
random generator, so the same day and seed give the same book. It carries the seed article's
three stories: a non-rollover deposit maturing in a few days (the client has more money at
another bank), a client whose birthday is today, and a client whose restaurant opens soon.

It never writes over a book that is not a demo: an existing file is replaced only if its
Setting "demo" is true. The new book is built beside the target and moved into place when it
is complete, so a crash never leaves half a demo (or a demo-less book that would then be
refused forever). Headless: no textual here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic_core import PydanticUndefined
from sqlalchemy import insert
from sqlmodel import SQLModel

from memo import ops
from memo.birthdays import Birthday
from memo.db import BookError, data_dir, open_book
from memo.models import Client, ClientTag, Contact, Deposit, Holding, HoldingPrice, KeyDate, Memo
from memo.names import surname_of
from memo.phones import normalize_phone
from memo.terms import _line, roll_keys

__all__ = ["DEMO_SETTING", "load_source", "make_demo_book", "is_demo_book"]

DEMO_SETTING = "demo"
_SQLITE_MAGIC = b"SQLite format 3\x00"

# Lunar years that had a leap month (year, leap month): a leap-month birthday with a year
# must name a month that was leap in that year.
_LEAP_MONTHS = [(1952, 5), (1955, 3), (1957, 8), (1960, 6), (1963, 4), (1966, 3), (1968, 7),
                (1971, 5), (1974, 4), (1976, 8), (1979, 6), (1982, 4), (1984, 10), (1987, 6),
                (1990, 5), (1993, 3), (1995, 8), (1998, 5), (2001, 4), (2004, 2), (2006, 7)]
_TIER_WEIGHTS = {"regular": 58, "gold": 22, "platinum": 11, "diamond": 6, "private": 2}
_TERM_WEIGHTS = {3: 10, 6: 15, 12: 35, 24: 15, 36: 20, 60: 5}
_DEPOSIT_ODDS = {"regular": 0.35, "gold": 0.6, "platinum": 0.8, "diamond": 0.9, "private": 1.0}
_AMOUNT_YUAN = {"regular": (50_000, 300_000), "gold": (100_000, 600_000),
                "platinum": (300_000, 1_200_000), "diamond": (500_000, 2_000_000),
                "private": (800_000, 2_000_000)}
# Contacts: the last time a client was reached lies within 1.15 x the tier's cadence (memo.agenda's
# default cadence_days), so about one in eight of the top tiers is overdue; earlier calls go back
# at about `every` days apart. Regular clients have no cadence: a call now and then, or none.
_CADENCE = {"private": 30, "diamond": 30, "platinum": 90, "gold": 180}
_EVERY = {"private": 20, "diamond": 25, "platinum": 60, "gold": 120, "regular": 150}
_CONTACT_DAYS = 200  # contacts go back at most this many days
_REASONS = ["maturity", "birthday", "request", "callback", "cadence", "holding", ""]


def _source_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "demo_source.json", here.parent / "data" / "demo_source.json"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("demo_source.json")


@lru_cache(maxsize=1)
def load_source() -> dict[str, Any]:
    """The demo's source material (names, memo lines, facts...), shared with bench/."""
    return json.loads(_source_path().read_text(encoding="utf-8"))


# --- is it a demo? ------------------------------------------------------------------------------


def _looks_like_demo(path: Path) -> bool:
    """A read-only first look: never migrates, chmods or converts a file that is someone's book."""
    try:
        with path.open("rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return False
        # immutable: no locks, no -wal/-shm left beside the file; a closed book is all in its file
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (DEMO_SETTING,)).fetchone()
        finally:
            conn.close()
        return bool(row and json.loads(row[0]))
    except (OSError, sqlite3.Error, ValueError):
        return False


def is_demo_book(path: Path | str) -> bool:
    """True if `path` is a book whose Setting "demo" is true."""
    path = Path(path).expanduser()
    if not _looks_like_demo(path):
        return False
    try:
        book = open_book(path)
    except BookError:
        return False
    try:
        return bool(ops.get_setting(book, DEMO_SETTING))
    finally:
        book.close()


def _remove_book_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- the book -------------------------------------------------------------------------------------


def make_demo_book(path: Path | str | None, today: dt.date, clients: int = 300, seed: int = 7) -> Path:
    """Write a fresh demo book at `path` (default: the data dir's demo.db) and return its path.

    Raises DomainError("demo.not_demo") if `path` holds anything but a demo book.
    """
    path = Path(path).expanduser() if path is not None else data_dir() / "demo.db"
    if path.exists() or path.is_symlink():
        if path.is_dir() or not is_demo_book(path):
            raise ops.DomainError("demo.not_demo", str(path))
    building = path.with_name(path.name + ".building")
    _remove_book_files(building)
    book = open_book(building)
    try:
        _Generator(today, max(0, clients), seed).write(book)
        _campaign(book, today, seed)
        ops.put_setting(book, DEMO_SETTING, True)
    except BaseException:
        book.close()
        _remove_book_files(building)
        raise
    book.close()
    _remove_book_files(path)  # checked above: a demo (or nothing)
    os.replace(building, path)
    for suffix in ("-wal", "-shm"):  # normally gone once the last connection closed
        side = Path(f"{building}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{path}{suffix}"))
    return path


def _campaign(book, today: dt.date, seed: int) -> None:  # noqa: ANN001
    """The seed's event: a precious-metals fair in two weeks for the top tiers, some invited,
    some accepted, the rest still to call (they come up on the today list)."""
    import random

    from memo import campaigns

    rng = random.Random(seed)
    with book.raw() as db:
        top = [cid for (cid,) in db.execute(
            "SELECT id FROM client WHERE tier IN ('private', 'diamond', 'platinum') AND deleted_at IS NULL "
            "AND do_not_call = 0 ORDER BY id")]
    if not top:
        return
    on = today + dt.timedelta(days=12)
    fair = campaigns.add_campaign(book, "贵金属展销会", theme="金价回调，介绍积存金和实物金条", method="salon",
                                  on=on, cost="8000", today=today)
    guests = rng.sample(top, min(len(top), 24))
    campaigns.invite(book, fair.id, guests, today=today)
    for cid in guests[:14]:
        day = today - dt.timedelta(days=rng.randint(1, 4))
        status = rng.choice(["invited", "accepted", "accepted", "declined"])
        campaigns.set_status(book, fair.id, cid, status, on=day, now=dt.datetime.combine(day, dt.time(10, 30)))


def weighted(pairs) -> tuple[list, list[int]]:  # noqa: ANN001
    """(values, cumulative weights) for random.choices(values, cum_weights=...)."""
    values, cum, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


class _Generator:
    def __init__(self, today: dt.date, clients: int, seed: int):
        self.src = load_source()
        self.rng = random.Random(seed)
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(8, 30))
        self.clients = clients
        self.surnames = weighted(self.src["surnames"])
        self.tags = weighted(self.src["tags"])
        self.tiers = weighted(_TIER_WEIGHTS.items())
        self.terms = weighted(_TERM_WEIGHTS.items())
        self.landlines = weighted((ll, ll["weight"]) for ll in self.src["landlines"])
        self.labels = self.src["phone_labels"]
        self.numbers: set[str] = set()
        # Every other row, as complete column dicts per model: a few thousand model objects
        # would cost more than the whole rest of the book, so they go in as one ORM bulk insert.
        self.rows: dict[type[SQLModel], list[dict[str, Any]]] = {}
        self.phones: list[tuple[int, str, str]] = []
        self.client_rows: list[Client] = []
        self.age: dict[int, int] = {}  # client id -> days since the client entered the book

    # helpers --------------------------------------------------------------------------------

    def add(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        """A row of `model` as the model would fill it: its field defaults, then `values`."""
        for name, spec in model.model_fields.items():
            if name not in values:
                if spec.default_factory is not None:
                    values[name] = spec.default_factory()
                elif spec.default is not PydanticUndefined and not (name == "id" and spec.default is None):
                    values[name] = spec.default
        self.rows.setdefault(model, []).append(values)
        return values

    def pick(self, weighted: tuple[list, list[int]]):  # noqa: ANN201
        return self.rng.choices(weighted[0], cum_weights=weighted[1])[0]

    def at(self, days_ago: int) -> dt.datetime:
        """A moment `days_ago` days before today, in opening hours (never after now)."""
        if days_ago <= 0:
            return self.now - dt.timedelta(minutes=self.rng.randint(1, 29))
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(self.rng.randint(9, 16), self.rng.randint(0, 59)))

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(self.src["mobile_prefixes"]) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def landline(self) -> str:
        line = self.pick(self.landlines)
        while True:
            rest = line["local"] - 1
            number = line["area"] + line["lead"] + f"{self.rng.randrange(10**rest):0{rest}d}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def name(self, honorific: str, surname: str | None = None) -> str:
        given = self.src["given_male" if honorific == "mr" else "given_female"]
        return (surname or self.pick(self.surnames)) + self.rng.choice(given)

    def yuan(self, low: int, high: int, step: int = 1000) -> int:
        return self.rng.randrange(low // step, high // step + 1) * step

    # clients ----------------------------------------------------------------------------------

    def new_client(self, name: str, honorific: str | None, tier: str, age_days: int, **fields) -> Client:
        stamp = self.at(age_days)
        client = Client(id=len(self.client_rows) + 1, honorific=honorific, tier=tier,
                        created_at=stamp, updated_at=stamp, **fields)
        if name:
            ops._set_name(client, name)
        self.client_rows.append(client)
        self.age[client.id] = age_days
        return client

    def random_client(self) -> Client:
        rng = self.rng
        honorific = "mr" if rng.random() < 0.48 else "ms"
        tier = self.pick(self.tiers)
        family_of = self.client_rows[rng.randrange(len(self.client_rows))] if (
            self.client_rows and rng.random() < 0.035) else None
        surname = None
        if family_of is not None and family_of.name and rng.random() < 0.5:
            surname = surname_of(family_of.name)
        client = self.new_client(self.name(honorific, surname), honorific, tier, rng.randint(20, 800))
        client.risk = rng.choices(["C1", "C2", "C3", "C4", "C5", None], [8, 25, 25, 8, 3, 31])[0]
        self.birthday(client)
        client.client_since = self.today - dt.timedelta(days=rng.randint(self.age[client.id], 7000))
        if rng.random() < 0.6:
            client.profile = "；".join(rng.sample(self.src["profile"], rng.randint(1, 3)))
        client.do_not_call = rng.random() < 0.03
        if rng.random() < 0.3:
            client.call_hours = rng.choice(self.src["call_hours"])
        for tag in {self.pick(self.tags) for _ in range(rng.choices([0, 1, 2], [40, 45, 15])[0])}:
            self.add(ClientTag, client_id=client.id, tag=tag)
        self.client_phones(client, family_of)
        return client

    def birthday(self, client: Client) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.70:
            year = rng.randint(1945, 2002) if rng.random() < 0.6 else None
            month = rng.randint(1, 12)
            last = ((dt.date(year or 2000, month, 28) + dt.timedelta(days=4)).replace(day=1)
                    - dt.timedelta(days=1)).day
            ops._set_birthday(client, Birthday("solar", month, rng.randint(1, last), year))
        elif roll < 0.85:
            if rng.random() < 0.12:
                year, month = rng.choice(_LEAP_MONTHS)
                ops._set_birthday(client, Birthday("lunar", month, rng.randint(1, 30),
                                                   year if rng.random() < 0.6 else None, True))
            else:
                day = 30 if rng.random() < 0.1 else rng.randint(1, 29)
                year = rng.randint(1945, 2002) if rng.random() < 0.5 else None
                ops._set_birthday(client, Birthday("lunar", rng.randint(1, 12), day, year))

    def client_phones(self, client: Client, family_of: Client | None) -> None:
        rng = self.rng
        own = [self.mobile()]
        if family_of is not None:
            shared = next(n for cid, n, _ in self.phones if cid == family_of.id)
            label = self.labels["spouse"] if rng.random() < 0.6 else self.labels["child"]
            if rng.random() < 0.5:
                own = []
            for number in own:
                self.phones.append((client.id, number, self.labels["self"]))
            self.phones.append((client.id, shared, label))
            return
        if rng.random() < 0.18:
            own.append(self.mobile())
        labels = [self.labels["self"], rng.choice([self.labels["work"], self.labels["self"]])]
        for number, label in zip(own, labels):
            self.phones.append((client.id, number, label))
        if rng.random() < 0.08:
            self.phones.append((client.id, self.landline(),
                                rng.choice([self.labels["home"], self.labels["work"]])))

    # memos ------------------------------------------------------------------------------------

    def memo(self, client_id: int | None, text: str, kind: str, created: dt.datetime,
             due: dt.date | None = None, status: str = "open", resolution: str = "",
             resolved_at: dt.datetime | None = None) -> None:
        self.add(Memo, client_id=client_id, text=text, kind=kind, due=due, status=status,
                 resolution=resolution, resolved_at=resolved_at, created_at=created,
                 updated_at=resolved_at or created)

    def memos(self, client: Client) -> None:
        rng, src, age = self.rng, self.src, self.age[client.id]
        if rng.random() < 0.25:  # an unmet request still open
            roll = rng.random()
            if roll < 0.14:
                due = self.today
            elif roll < 0.36:
                due = self.today - dt.timedelta(days=rng.randint(1, 10))
            elif roll < 0.72:
                due = self.today + dt.timedelta(days=rng.randint(1, 30))
            else:
                due = None
            anchor = min(due, self.today) if due else self.today
            created_ago = min(age, (self.today - anchor).days + rng.randint(0, 20))
            self.memo(client.id, rng.choice(src["requests"]), "request", self.at(created_ago), due)
        if rng.random() < 0.08:  # a promised callback
            due = self.today + dt.timedelta(days=rng.randint(-3, 7))
            created_ago = min(age, max(0, (self.today - due).days) + rng.randint(1, 7))
            self.memo(client.id, rng.choice(src["callbacks"]), "callback", self.at(created_ago), due)
        if rng.random() < 0.5:  # settled ones
            for _ in range(rng.randint(1, 3)):
                created_ago = rng.randint(15, max(15, min(age, 400)))
                created = self.at(created_ago)
                resolved = min(self.now, created + dt.timedelta(days=rng.randint(1, 14), hours=2))
                done = rng.random() < 0.8
                kind = "request" if rng.random() < 0.85 else "callback"
                text = rng.choice(src["requests"] if kind == "request" else src["callbacks"])
                due = created.date() + dt.timedelta(days=rng.randint(2, 14)) if rng.random() < 0.6 else None
                self.memo(client.id, text, kind, created, due, "done" if done else "dropped",
                          rng.choice(src["done_notes"] if done else src["drop_notes"]), resolved)
        if rng.random() < 0.4:
            self.memo(client.id, rng.choice(src["facts"]), "fact", self.at(rng.randint(1, max(1, min(age, 300)))))

    # money ------------------------------------------------------------------------------------

    def deposit(self, client_id: int, amount_yuan: int, start: dt.date, term: int, *,
                rollover: bool, kind: str = "time", status: str = "active",
                closed_on: dt.date | None = None, note: str = "", currency: str = "CNY") -> dict:
        maturity = start + relativedelta(months=term)  # from the start: no drift, month-end clamps
        stamp = min(self.now, self.at(max(0, (self.today - start).days)))
        roll_term, roll_phase, roll_day = roll_keys(start, term, maturity)  # bulk rows: no model events
        return self.add(Deposit, client_id=client_id, amount_fen=amount_yuan * 100, currency=currency,
                        start=start, term_months=term, maturity=maturity, roll_term=roll_term,
                        roll_phase=roll_phase, roll_day=roll_day,
                        rate=self.src["deposit_rates"][kind][str(term)], rollover=rollover, kind=kind,
                        status=status, closed_on=closed_on, note=note, created_at=stamp,
                        updated_at=stamp)

    def deposits(self, client: Client) -> None:
        rng = self.rng
        if rng.random() >= _DEPOSIT_ODDS[client.tier]:
            return
        for _ in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
            amount = self.yuan(*_AMOUNT_YUAN[client.tier])
            kind = "cd" if amount >= 200_000 and rng.random() < 0.35 else "time"
            currency = "CNY"
            if kind == "time" and rng.random() < 0.03:
                currency, amount = "USD", self.yuan(5_000, 50_000)
            term = self.pick(self.terms)
            rollover = rng.random() < 0.4
            note = rng.choice(self.src["deposit_notes"])
            roll = rng.random()
            if roll < 0.12:  # matures in the next two weeks: the calls of the morning
                target = self.today + dt.timedelta(days=rng.randint(1, 14))
                start = target - relativedelta(months=term)
                self.deposit(client.id, amount, start, term, rollover=rollover, kind=kind,
                             note=note, currency=currency)
            elif roll < 0.25:  # an earlier one, closed
                closed = self.today - dt.timedelta(days=rng.randint(1, 300))
                start = closed - relativedelta(months=term)
                status = "rolled" if rollover else rng.choice(["matured", "withdrawn"])
                old = self.deposit(client.id, amount, start, term, rollover=rollover, kind=kind,
                                   status=status, closed_on=closed, note=note, currency=currency)
                if status == "rolled" and old["maturity"] + relativedelta(months=term) > self.today:
                    self.deposit(client.id, amount, old["maturity"], term, rollover=True, kind=kind,
                                 note=note, currency=currency)
            else:
                span = (dt.date(2001, 1, 1) + relativedelta(months=term) - dt.date(2001, 1, 1)).days
                start = self.today - dt.timedelta(days=rng.randint(0, max(0, span - 16)))
                self.deposit(client.id, amount, start, term, rollover=rollover, kind=kind,
                             note=note, currency=currency)

    def holdings(self, client: Client) -> None:
        rng = self.rng
        odds = {"regular": 0.04, "gold": 0.1, "platinum": 0.25, "diamond": 0.4, "private": 0.6}
        if rng.random() >= odds[client.tier]:
            return
        spec = rng.choice(self.src["holdings"])
        bought = self.today - dt.timedelta(days=rng.randint(30, 400))
        price = Decimal("560.00") if spec["kind"] == "gold" else Decimal("1.0000")
        places = price.as_tuple().exponent
        move = Decimal(rng.randint(-120, 180)) / 1000  # -12% .. +18%
        latest = (price * (1 + move)).quantize(Decimal(1).scaleb(places))
        stamp = self.at((self.today - bought).days)
        holding_id = len(self.rows.get(Holding, ())) + 1
        priced = self.today - dt.timedelta(days=1)
        amount = self.yuan(10_000, 500_000) * 100
        tp, sl = rng.choice(["8", "10", "15"]), rng.choice(["5", "8"])
        self.add(Holding, id=holding_id, client_id=client.id, product=spec["product"], kind=spec["kind"],
                 purchase_date=bought, amount_fen=amount,
                 purchase_price=str(price), expected_yield=spec["yield"],
                 take_profit_pct=tp, stop_loss_pct=sl,
                 latest_price=str(latest), latest_price_date=priced, created_at=stamp, updated_at=stamp,
                 crossed=_line(str(price), str(latest), tp, sl))
        self.add(HoldingPrice, holding_id=holding_id, on=priced, price=str(latest))

    # contacts and key dates ------------------------------------------------------------------------

    def contact(self, client: Client, days_ago: int, channel: str, outcome: str, *, reasons: str = "",
                note: str | None = None, new_info: str = "", opportunity: str = "") -> None:
        """One logged contact `days_ago` days before today, kept as memo.calls.log_call keeps it:
        any outcome but no answer moves client.last_contact_on; "call back" leaves a callback
        memo, kept by now if its day has passed."""
        rng, src = self.rng, self.src
        at = self.at(max(1, days_ago))
        sold = self.yuan(50_000, 500_000) * 100 if opportunity and rng.random() < 0.4 else None
        follow = None
        if outcome == "callback":
            follow = at.date() + dt.timedelta(days=rng.randint(2, 10))
            text = rng.choice(src["callbacks"])
            if follow < self.today:
                self.memo(client.id, text, "callback", at, follow, "done", rng.choice(src["done_notes"]),
                          dt.datetime.combine(follow, at.time()))
            else:
                self.memo(client.id, text, "callback", at, follow)
        elif opportunity and not sold:
            follow = at.date() + dt.timedelta(days=rng.randint(7, 30))
        self.add(Contact, client_id=client.id, at=at, channel=channel, reasons=reasons, outcome=outcome,
                 note=rng.choice(src["contact_notes"][outcome]) if note is None else note, new_info=new_info,
                 opportunity=opportunity, sold_fen=sold, next_follow_up=follow, created_at=at)
        if outcome != "no_answer" and (client.last_contact_on is None or client.last_contact_on < at.date()):
            client.last_contact_on = at.date()

    def contacts(self, client: Client) -> None:
        """A history of calls and visits: the last reach within about the tier's cadence (a few
        overdue), earlier ones every so often, some calls not answered."""
        rng, src = self.rng, self.src
        window = min(self.age[client.id], _CONTACT_DAYS)
        if window < 2:
            return
        every = _EVERY[client.tier]
        cadence = _CADENCE.get(client.tier)
        if cadence is None:  # regular: none, or one or two over the window
            if rng.random() < 0.5:
                return
            last = rng.randint(1, window)
        else:
            last = min(window, rng.randint(1, int(cadence * 1.15)))
        ago = last
        while ago <= window:
            channel = rng.choices(["phone", "visit", "wechat", "sms"], [60, 25, 12, 3])[0]
            if channel == "phone":
                outcome = rng.choices(["reached", "callback", "declined"], [80, 12, 8])[0]
                if rng.random() < 0.2 and ago + 1 <= window:  # tried the day before: no answer
                    self.contact(client, ago + 1, "phone", "no_answer", reasons=rng.choice(_REASONS))
            else:
                outcome = "reached" if rng.random() < 0.95 else "declined"
            reached = outcome == "reached"
            self.contact(client, ago, channel, outcome, reasons=rng.choice(_REASONS),
                         new_info=rng.choice(src["new_info"]) if reached and rng.random() < 0.25 else "",
                         opportunity=rng.choice(src["opportunities"]) if reached and rng.random() < 0.2 else "")
            ago += max(1, round(every * rng.uniform(0.6, 1.4)))
        if last > 3 and rng.random() < 0.25:  # tried again since the last reach, no answer
            self.contact(client, rng.randint(1, last - 1), "phone", "no_answer", reasons="cadence")

    def key_dates(self, client: Client) -> None:
        if self.rng.random() < 0.04:
            day = self.today + dt.timedelta(days=self.rng.randint(-60, 300))
            stamp = self.at(self.rng.randint(1, self.age[client.id]))
            self.add(KeyDate, client_id=client.id, label=self.rng.choice(self.src["key_dates"]),
                     kind="solar", year=day.year - self.rng.randint(1, 20), month=day.month,
                     day=day.day, created_at=stamp, updated_at=stamp)

    # the seed's three stories ----------------------------------------------------------------------

    def stories(self) -> None:
        stories, today = self.src["stories"], self.today
        # 1. A deposit that matures in a few days, not rolled over; more money at another bank.
        s = stories["maturity"]
        client = self.new_client(s["name"], s["honorific"], s["tier"], 400, profile=s["profile"],
                                 client_since=today - dt.timedelta(days=2900))
        self.phones.append((client.id, self.mobile(), self.labels["self"]))
        self.deposit(client.id, s["amount_yuan"], today + dt.timedelta(days=3) - relativedelta(months=s["term"]),
                     s["term"], rollover=False)
        self.memo(client.id, s["fact"], "fact", self.at(41))
        self.memo(client.id, s["callback"], "callback", self.at(41), today)
        self.contact(client, 41, "visit", "reached", note="")
        # 2. A birthday today (the walk-in who became a private-banking client).
        s = stories["birthday"]
        client = self.new_client(s["name"], s["honorific"], s["tier"], 60, profile=s["profile"],
                                 client_since=today - dt.timedelta(days=45))
        ops._set_birthday(client, Birthday("solar", today.month, today.day, s["birth_year"]))
        self.phones.append((client.id, self.mobile(), self.labels["self"]))
        self.memo(client.id, s["fact"], "fact", self.at(40))
        self.memo(client.id, s["request"], "request", self.at(12), today)
        self.contact(client, 12, "visit", "reached", note="")
        # 3. A restaurant opening in five days (flowers), paid with money from a deposit here.
        s = stories["restaurant"]
        opening = today + dt.timedelta(days=5)
        client = self.new_client(s["name"], s["honorific"], s["tier"], 700, profile=s["profile"],
                                 client_since=today - dt.timedelta(days=4000))
        self.phones.append((client.id, self.mobile(), self.labels["self"]))
        self.phones.append((client.id, self.landline(), self.labels["work"]))
        self.add(ClientTag, client_id=client.id, tag="个体户")
        stamp = self.at(20)
        self.add(KeyDate, client_id=client.id, label=s["label"], kind="solar", year=opening.year,
                 month=opening.month, day=opening.day, created_at=stamp, updated_at=stamp)
        self.memo(client.id, s["fact"].format(date=f"{opening.month}月{opening.day}日"), "fact", stamp)
        self.memo(client.id, s["request"], "request", stamp, opening - dt.timedelta(days=1))
        self.contact(client, 20, "visit", "reached", note="")
        self.deposit(client.id, 450_000, today - dt.timedelta(days=30) - relativedelta(months=24), 24,
                     rollover=False, status="withdrawn", closed_on=today - dt.timedelta(days=30),
                     note="取出开饭店")

    def stubs(self) -> None:
        """Two numbers jotted at the desk before the client's record was filled in."""
        for text in self.src["requests"][:2]:
            client = self.new_client("", None, "regular", 2)
            self.phones.append((client.id, self.mobile(), ""))
            self.memo(client.id, text, "request", self.at(2), self.today + dt.timedelta(days=2))

    # all of it ------------------------------------------------------------------------------------

    def build(self) -> None:
        if self.clients >= 3:
            self.stories()
        while len(self.client_rows) < self.clients - (2 if self.clients >= 10 else 0):
            client = self.random_client()
            self.memos(client)
            self.deposits(client)
            self.holdings(client)
            self.contacts(client)
            self.key_dates(client)
        if self.clients >= 10:
            self.stubs()
        for cid, number, _ in self.phones:
            assert normalize_phone(number) == number, (cid, number)

    def write(self, book) -> None:  # noqa: ANN001
        self.build()
        with book.write() as session:
            session.add_all(self.client_rows)
            session.flush()
            for client_id, number, label in self.phones:
                ops._add_phone_row(session, client_id, number, label)
            session.flush()
            for model in (ClientTag, Memo, Deposit, Holding, HoldingPrice, KeyDate, Contact):
                if self.rows.get(model):
                    session.execute(insert(model), self.rows[model])

"""Generate a large synthetic book for benchmarks.

    python bench/make_book.py OUT.db [--clients 100000] [--seed 1] [--date YYYY-MM-DD] [--force]

The book of issue 4's speed targets, scaled by --clients (figures at 100,000):

- 100,000 clients: tiers 普通 60%, 金卡 25%, 白金 10%, 钻石 4%, 私行 1%; ~70% solar birthdays
  (Feb 29 included), ~15% lunar (day 30 and leap months included), the rest unknown; ~2%
  do-not-call, ~20% with preferred call hours. ~1.3 phones each.
- 150,000 deposits (more for the top tiers): 1万-500万 yuan, by tier, in fen; starts over the
  last 5 years; terms 3/6/12/24/36/60 months; ~40% rollover. Mostly active: rolling ones keep
  running (a few withdrawn early), non-rolling ones are running, or past their maturity and
  withdrawn (some left "matured"; those of the last 30 days still active, not yet updated).
- ~1,000,000 memos (0-20 per client): 12% facts; requests and callbacks mostly done or dropped,
  a few thousand open (recent ones, and a few forgotten old ones), due dates around today.
- 500,000 contacts over the last 3 years (the top tiers called far more often), spread evenly
  over each client's time in the book with jitter; mostly reached, some no answer, call back,
  declined. Client.last_contact_on = the day of the client's last contact that was not a no
  answer (what memo.calls.log_call keeps).
- 20,000 key dates (80% solar, 20% lunar, some leap), 30,000 holdings (more for the top tiers)
  with take-profit/stop-loss lines, latest prices of the last weeks; `crossed` filled with
  memo.money._line (held ones only), about two thirds of the crossed lines already told.
- A few dismissals (0.05 per client, old) and snoozes (0.005 per client, some running today).

Derived columns are filled as the ORM events of memo.models would: Deposit.roll_term/roll_phase/
roll_day with memo.money.roll_keys, Holding.crossed with memo.money._line, Client.last_contact_on
from the contacts. The schema comes from `memo.db.open_book`; rows go in with SQLAlchemy Core
executemany in big batches inside one transaction, with `PRAGMA synchronous=OFF` and an
in-memory journal on the generator's own connection only (the book is thrown away if the run
dies); every index of the loaded tables is dropped first and re-created (same SQL, same order)
after the load. The finished book is in WAL mode like any other. The setting "bench_book" holds
{"today", "seed", "clients", "counts"}. Not a demo book: `memo demo` will refuse to overwrite it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from memo.db import open_book  # noqa: E402
from memo.demo import _LEAP_MONTHS, load_source, weighted  # noqa: E402
from memo.models import (  # noqa: E402
    Client, Contact, Deposit, Dismissal, Holding, HoldingPrice, KeyDate, Memo, Phone, Setting, Snooze,
)
from memo.money import _line, roll_keys  # noqa: E402
from memo.names import name_keys  # noqa: E402

BATCH = 50_000
TIERS = (("regular", 60), ("gold", 25), ("platinum", 10), ("diamond", 4), ("private", 1))
# Rows of the other tables per client, and how much more of each a client of a tier gets.
PER_CLIENT = {"deposits": 1.5, "contacts": 5.0, "keydates": 0.2, "holdings": 0.3, "dismissals": 0.05,
              "snoozes": 0.005}
DEPOSIT_WEIGHT = {"regular": 1.0, "gold": 1.6, "platinum": 2.2, "diamond": 2.8, "private": 3.5}
CONTACT_WEIGHT = {"regular": 1.0, "gold": 2.0, "platinum": 4.0, "diamond": 9.0, "private": 12.0}
HOLDING_WEIGHT = {"regular": 1.0, "gold": 3.0, "platinum": 6.0, "diamond": 10.0, "private": 15.0}
KEYDATE_WEIGHT = {"regular": 1.0, "gold": 1.2, "platinum": 1.5, "diamond": 2.0, "private": 2.0}
AMOUNT_YUAN = {"regular": (10_000, 500_000), "gold": (50_000, 1_000_000), "platinum": (200_000, 2_000_000),
               "diamond": (500_000, 3_000_000), "private": (1_000_000, 5_000_000)}
TERMS = ((3, 10), (6, 15), (12, 35), (24, 15), (36, 20), (60, 5))
CONTACT_YEARS = 3
DEPOSIT_YEARS = 5
# The tables loaded here: their indexes are dropped for the load and built again after it.
LOADED = ("client", "phone", "memo", "deposit", "holding", "holdingprice", "keydate", "contact", "dismissal",
          "snooze")
SETTING_KEY = "bench_book"


class _Numbers:
    """Unique random phone numbers, valid for memo.phones.normalize_phone."""

    def __init__(self, rng: random.Random, src: dict):
        self.rng = rng
        self.prefixes = src["mobile_prefixes"]
        self.landlines = src["landlines"]
        self.seen: set[str] = set()

    def mobile(self) -> str:
        rng, prefixes = self.rng, self.prefixes
        while True:
            number = prefixes[rng.randrange(len(prefixes))] + str(rng.randrange(10**8)).zfill(8)
            if number not in self.seen:
                self.seen.add(number)
                return number

    def landline(self) -> str:
        line = self.landlines[self.rng.randrange(len(self.landlines))]
        rest = line["local"] - 1
        while True:
            number = line["area"] + line["lead"] + str(self.rng.randrange(10**rest)).zfill(rest)
            if number not in self.seen:
                self.seen.add(number)
                return number


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # Feb 29 is a birthday too


def _solar_day(rng: random.Random, month: int, year: int | None) -> int:
    day = rng.randint(1, _MONTH_DAYS[month - 1])
    if month == 2 and day == 29 and year is not None and not (year % 4 == 0 and (year % 100 or year % 400 == 0)):
        day = 28
    return day


def _birthday(rng: random.Random) -> dict:
    """birth_* columns: ~70% solar, ~15% lunar (day 30 and leap months included), ~15% unknown."""
    roll = rng.random()
    if roll < 0.70:
        year = rng.randint(1945, 2002) if rng.random() < 0.6 else None
        month = rng.randint(1, 12)
        return {"birth_kind": "solar", "birth_year": year, "birth_month": month,
                "birth_day": _solar_day(rng, month, year), "birth_leap": False}
    if roll < 0.85:
        if rng.random() < 0.08:
            year, month = _LEAP_MONTHS[rng.randrange(len(_LEAP_MONTHS))]
            return {"birth_kind": "lunar", "birth_year": year if rng.random() < 0.6 else None,
                    "birth_month": month, "birth_day": rng.randint(1, 29), "birth_leap": True}
        return {"birth_kind": "lunar", "birth_year": rng.randint(1945, 2002) if rng.random() < 0.5 else None,
                "birth_month": rng.randint(1, 12), "birth_day": 30 if rng.random() < 0.1 else rng.randint(1, 29),
                "birth_leap": False}
    return {"birth_kind": None, "birth_year": None, "birth_month": None, "birth_day": None, "birth_leap": False}


def _add_months(day: dt.date, months: int) -> dt.date:
    """day + months, the month's last day when shorter (relativedelta's rule, without the import)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of `day` in opening hours."""
    return dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.randrange(60), rng.randrange(60)))


def _owners(rng: random.Random, tier_of: list[str], weight: dict[str, float], k: int) -> list[int]:
    """k client ids (1-based), each drawn with its tier's weight: some clients get several."""
    cum, total = [], 0.0
    for tier in tier_of:
        total += weight[tier]
        cum.append(total)
    return rng.choices(range(1, len(tier_of) + 1), cum_weights=cum, k=k)


def make_book(path: Path | str, clients: int = 100_000, seed: int = 1, today: dt.date | None = None,
              *, quiet: bool = True) -> Path:
    """Write a synthetic book of `clients` clients at `path` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(str(path))
    today = today or dt.date.today()
    rng = random.Random(seed)
    src = load_source()
    surnames = weighted(src["surnames"])
    tiers = weighted(TIERS)
    given = {"mr": src["given_male"], "ms": src["given_female"]}
    requests, callbacks, facts = src["requests"], src["callbacks"], src["facts"]
    done_notes, drop_notes = src["done_notes"], src["drop_notes"]
    labels, call_hours = src["phone_labels"], src["call_hours"]
    numbers = _Numbers(rng, src)
    keys: dict[str, tuple[str, str]] = {}  # names repeat a lot; pypinyin is the slow part
    now = dt.datetime.combine(today, dt.time(8, 30))
    epoch = now - dt.timedelta(days=CONTACT_YEARS * 365)
    span_minutes = CONTACT_YEARS * 365 * 24 * 60
    recent = now - dt.timedelta(days=60)
    start = time.perf_counter()
    tier_of: list[str] = []  # per client id - 1
    created_of: list[dt.datetime] = []

    book = open_book(path)
    pending: dict[str, list[dict]] = {}
    counts: dict[str, int] = {}
    phases: dict[str, float] = {}
    try:
        with book.engine.connect() as conn:
            # Pragmas on the raw connection: through SQLAlchemy they would open a transaction.
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA journal_mode = MEMORY")  # WAL again at the end
            raw.execute("PRAGMA synchronous = OFF")
            raw.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only
            # Indexes are built once at the end (a sort) rather than row by row: same schema.
            marks = ", ".join("?" * len(LOADED))
            indexes = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})", LOADED).fetchall()
            for name, _ in indexes:
                raw.execute(f'DROP INDEX "{name}"')
            tables = {t.name: t for t in (Client.__table__, Phone.__table__, Memo.__table__, Deposit.__table__,
                                          Holding.__table__, HoldingPrice.__table__, KeyDate.__table__,
                                          Contact.__table__, Dismissal.__table__, Snooze.__table__)}

            def put(table: str, row: dict) -> None:
                rows = pending.setdefault(table, [])
                rows.append(row)
                if len(rows) >= BATCH:
                    flush()

            def flush() -> None:  # parents first: foreign keys are on
                for table in LOADED:
                    rows = pending.get(table)
                    if rows:
                        conn.execute(tables[table].insert(), rows)
                        counts[table] = counts.get(table, 0) + len(rows)
                        rows.clear()

            def phase(name: str) -> None:
                flush()
                phases[name] = time.perf_counter()

            with conn.begin():
                # --- clients, their phones and memos -----------------------------------------------
                previous_number = None
                for client_id in range(1, clients + 1):
                    honorific = "mr" if rng.random() < 0.5 else "ms"
                    names = given[honorific]
                    name = rng.choices(surnames[0], cum_weights=surnames[1])[0] + names[rng.randrange(len(names))]
                    initials, pinyin = keys.get(name) or keys.setdefault(name, name_keys(name))
                    created = epoch + dt.timedelta(minutes=rng.randrange(span_minutes // 3))
                    tier = rng.choices(tiers[0], cum_weights=tiers[1])[0]
                    tier_of.append(tier)
                    created_of.append(created)
                    put("client", {
                        "id": client_id, "name": name, "honorific": honorific, "tier": tier, "risk": None,
                        **_birthday(rng), "client_since": created.date(), "profile": "",
                        "do_not_call": rng.random() < 0.02,
                        "call_hours": call_hours[rng.randrange(len(call_hours))] if rng.random() < 0.2 else "",
                        "id_last4": None, "name_initials": initials, "name_pinyin": pinyin, "deleted_at": None,
                        "created_at": created, "updated_at": created, "last_contact_on": None,
                    })
                    # phones: one mobile, sometimes a second, a landline, or a family member's
                    own = numbers.mobile()
                    put("phone", {"client_id": client_id, "number": own, "rev": own[::-1],
                                  "label": labels["self"], "created_at": created})
                    roll = rng.random()
                    extra = None
                    if roll < 0.05 and previous_number:
                        extra, label = previous_number, labels["spouse"]
                    elif roll < 0.25:
                        extra, label = numbers.mobile(), labels["work"]
                    elif roll < 0.31:
                        extra, label = numbers.landline(), labels["home"]
                    if extra:
                        put("phone", {"client_id": client_id, "number": extra, "rev": extra[::-1],
                                      "label": label, "created_at": created})
                    previous_number = own
                    # memos: ~10 each; requests and callbacks mostly settled, a few thousand open
                    age = int((now - created).total_seconds() // 60)
                    for _ in range(rng.randint(0, 20)):
                        made = now - dt.timedelta(minutes=rng.randrange(max(age, 1)))
                        roll = rng.random()
                        resolution, resolved, due = "", None, None
                        if roll < 0.12:
                            kind, status, text = "fact", "open", facts[rng.randrange(len(facts))]
                        else:
                            kind = "callback" if roll < 0.22 else "request"
                            pool = callbacks if kind == "callback" else requests
                            text = pool[rng.randrange(len(pool))]
                            state = rng.random()
                            if (made >= recent and state < 0.06) or state < 0.001:
                                status = "open"  # recent, or an old one nobody closed
                                dated = rng.random() < (0.8 if kind == "callback" else 0.6)
                                due = made.date() + dt.timedelta(days=rng.randint(1, 30)) if dated else None
                            else:
                                status = "done" if rng.random() < 0.85 else "dropped"
                                due = made.date() + dt.timedelta(days=rng.randint(1, 14)) if rng.random() < 0.6 else None
                                resolved = min(now, made + dt.timedelta(minutes=rng.randrange(20 * 24 * 60)))
                                notes = done_notes if status == "done" else drop_notes
                                resolution = notes[rng.randrange(len(notes))]
                        put("memo", {
                            "client_id": client_id, "text": text, "kind": kind, "due": due,
                            "status": status, "resolution": resolution, "resolved_at": resolved,
                            "deleted_at": None, "created_at": made, "updated_at": resolved or made,
                        })
                phase("clients")

                _deposits(rng, src, today, tier_of, put, round(clients * PER_CLIENT["deposits"]))
                phase("deposits")
                _holdings(rng, src, today, tier_of, put, round(clients * PER_CLIENT["holdings"]))
                _keydates(rng, src, today, tier_of, created_of, put, round(clients * PER_CLIENT["keydates"]))
                phase("holdings, key dates")
                last = _contacts(rng, src, today, tier_of, created_of, put, round(clients * PER_CLIENT["contacts"]))
                phase("contacts")
                conn.exec_driver_sql("UPDATE client SET last_contact_on = ? WHERE id = ?",
                                     [(day.isoformat(), cid) for cid, day in last.items()])
                _dismissals_snoozes(rng, today, clients, put, round(clients * PER_CLIENT["dismissals"]),
                                    round(clients * PER_CLIENT["snoozes"]))
                phase("last contact, dismissals, snoozes")
                for _, sql in indexes:
                    conn.exec_driver_sql(sql)
                phase("indexes")
                summary = {"today": today.isoformat(), "seed": seed, "clients": clients, "counts": dict(counts)}
                conn.execute(Setting.__table__.insert(), [{"key": SETTING_KEY, "value": json.dumps(summary)}])
            raw.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        book.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    book.close()
    if not quiet:
        elapsed = time.perf_counter() - start
        print(f"{path} (today {today}, seed {seed}) in {elapsed:.1f} s, {path.stat().st_size / 2**20:.0f} MB:")
        for table in LOADED:
            print(f"  {table:<13} {counts.get(table, 0):>10,}")
        print(f"  distinct names {len(keys):,}; last_contact_on set for {len(last):,} clients")
        marks_at, previous = [], start
        for name, at in phases.items():
            marks_at.append(f"{name} {at - previous:.1f} s")
            previous = at
        print("  " + "; ".join(marks_at))
    return path


def _deposits(rng: random.Random, src: dict, today: dt.date, tier_of: list[str], put, n: int) -> None:  # noqa: ANN001
    rates, notes = src["deposit_rates"], src["deposit_notes"]
    terms = weighted(TERMS)
    oldest = today - dt.timedelta(days=DEPOSIT_YEARS * 365)
    for dep_id, cid in enumerate(sorted(_owners(rng, tier_of, DEPOSIT_WEIGHT, n)), 1):
        low, high = AMOUNT_YUAN[tier_of[cid - 1]]
        # log-uniform: many small deposits, a few large ones; whole thousands of yuan
        yuan = round(math.exp(rng.uniform(math.log(low), math.log(high))) / 1000) * 1000
        term = rng.choices(terms[0], cum_weights=terms[1])[0]
        rollover = rng.random() < 0.4
        status, closed = "active", None
        if rollover or rng.random() < 0.65:
            # rolling ones from any day of the last 5 years; fixed ones still running
            earliest = oldest if rollover else max(oldest, _add_months(today, -term) + dt.timedelta(days=1))
            begin = earliest + dt.timedelta(days=rng.randrange((today - earliest).days + 1))
            maturity = _add_months(begin, term)
            if rollover and rng.random() < 0.05:  # taken out early
                status, closed = "withdrawn", begin + dt.timedelta(days=rng.randrange((today - begin).days + 1))
        else:  # fixed, past its maturity: withdrawn (or left "matured"); the last 30 days not yet updated
            latest = _add_months(today, -term) - dt.timedelta(days=1)
            begin = oldest + dt.timedelta(days=rng.randrange(max(1, (latest - oldest).days + 1)))
            maturity = _add_months(begin, term)
            if maturity < today - dt.timedelta(days=30):
                status = "withdrawn" if rng.random() < 0.85 else "matured"
                closed = min(today, maturity + dt.timedelta(days=rng.randint(0, 10)))
        kind = "cd" if yuan >= 200_000 and rng.random() < 0.35 else "time"
        made = _at(rng, begin)
        term_keys = roll_keys(begin, term, maturity)
        put("deposit", {
            "id": dep_id, "client_id": cid, "amount_fen": yuan * 100, "currency": "CNY", "start": begin,
            "term_months": term, "maturity": maturity, "maturity_given": False, "rate": rates[kind][str(term)],
            "rollover": rollover, "kind": kind, "status": status, "closed_on": closed,
            "note": notes[rng.randrange(len(notes))] if rng.random() < 0.3 else "",
            "roll_term": term_keys[0], "roll_phase": term_keys[1], "roll_day": term_keys[2],
            "created_at": made, "updated_at": _at(rng, closed) if closed else made,
        })


def _holdings(rng: random.Random, src: dict, today: dt.date, tier_of: list[str], put, n: int) -> None:  # noqa: ANN001
    specs = src["holdings"]
    for h_id, cid in enumerate(sorted(_owners(rng, tier_of, HOLDING_WEIGHT, n)), 1):
        spec = specs[rng.randrange(len(specs))]
        bought = today - dt.timedelta(days=rng.randint(20, 720))
        gold = spec["kind"] == "gold"
        buy = 560.0 if gold else 1.0
        move = max(-0.3, min(0.4, rng.gauss(0.02, 0.05)))
        purchase = f"{buy:.2f}" if gold else f"{buy:.4f}"
        latest = f"{buy * (1 + move):.2f}" if gold else f"{buy * (1 + move):.4f}"
        take_profit = rng.choice(["8", "10", "15"]) if rng.random() < 0.9 else None
        stop_loss = rng.choice(["5", "8"]) if rng.random() < 0.8 else None
        priced = max(bought, today - dt.timedelta(days=rng.randint(1, 20)))
        status = "sold" if rng.random() < 0.1 else "held"
        crossed = _line(purchase, latest, take_profit, stop_loss) if status == "held" else None  # crossed_line
        told = None
        if crossed and rng.random() < 0.65:  # most crossed lines were told already
            told = min(today - dt.timedelta(days=1), priced + dt.timedelta(days=rng.randint(0, 3)))
        made = _at(rng, bought)
        put("holding", {
            "id": h_id, "client_id": cid, "product": spec["product"], "kind": spec["kind"], "purchase_date": bought,
            "amount_fen": round(math.exp(rng.uniform(math.log(10_000), math.log(2_000_000))) / 1000) * 100_000,
            "purchase_price": purchase, "expected_yield": spec["yield"], "take_profit_pct": take_profit,
            "stop_loss_pct": stop_loss, "latest_price": latest, "latest_price_date": priced,
            "alert_told_on": told, "status": status, "crossed": crossed, "created_at": made,
            "updated_at": _at(rng, priced),
        })
        put("holdingprice", {"holding_id": h_id, "on": priced, "price": latest})


def _keydates(rng: random.Random, src: dict, today: dt.date, tier_of: list[str],  # noqa: PLR0913
              created_of: list[dt.datetime], put, n: int) -> None:  # noqa: ANN001
    labels = src["key_dates"]
    for cid in sorted(_owners(rng, tier_of, KEYDATE_WEIGHT, n)):
        year = rng.randint(1990, today.year - 1) if rng.random() < 0.6 else None
        if rng.random() < 0.8:
            kind, month, leap = "solar", rng.randint(1, 12), False
            day = _solar_day(rng, month, year)
        elif rng.random() < 0.05:
            kind, leap = "lunar", True
            _year, month = _LEAP_MONTHS[rng.randrange(len(_LEAP_MONTHS))]
            day = rng.randint(1, 29)
        else:
            kind, month, day, leap = "lunar", rng.randint(1, 12), rng.randint(1, 30), False
        created = created_of[cid - 1]
        made = created + dt.timedelta(minutes=rng.randrange(max(1, int((today - created.date()).days) * 24 * 60)))
        put("keydate", {"client_id": cid, "label": labels[rng.randrange(len(labels))], "kind": kind, "year": year,
                        "month": month, "day": day, "leap": leap, "created_at": made, "updated_at": made})


_CHANNELS = (("phone", 65), ("visit", 20), ("wechat", 12), ("sms", 3))
_PHONE_OUTCOMES = (("reached", 70), ("no_answer", 17), ("callback", 8), ("declined", 5))
_REASONS = ["maturity", "birthday", "request", "callback", "cadence", "holding", "festival", ""]


def _contacts(rng: random.Random, src: dict, today: dt.date, tier_of: list[str],  # noqa: PLR0913
              created_of: list[dt.datetime], put, n: int) -> dict[int, dt.date]:  # noqa: ANN001
    """n contacts, each client's spread evenly (with jitter) over its time in the book within the
    last CONTACT_YEARS years, inserted in time order. Returns each client's last reach."""
    channels, outcomes = weighted(_CHANNELS), weighted(_PHONE_OUTCOMES)
    notes, new_info, opportunities = src["contact_notes"], src["new_info"], src["opportunities"]
    per_client: dict[int, int] = {}
    for cid in _owners(rng, tier_of, CONTACT_WEIGHT, n):
        per_client[cid] = per_client.get(cid, 0) + 1
    window = today - dt.timedelta(days=CONTACT_YEARS * 365)
    yesterday = today - dt.timedelta(days=1)
    calls: list[tuple] = []
    last: dict[int, dt.date] = {}
    for cid in sorted(per_client):
        k = per_client[cid]
        lo = max(window, created_of[cid - 1].date())
        span = (yesterday - lo).days + 1
        for i in range(k):
            day = lo + dt.timedelta(days=min(span - 1, int(span * (i + rng.random()) / k)))
            channel = rng.choices(channels[0], cum_weights=channels[1])[0]
            if channel == "phone":
                outcome = rng.choices(outcomes[0], cum_weights=outcomes[1])[0]
            else:
                outcome = "reached" if rng.random() < 0.95 else "declined"
            if outcome != "no_answer" and (cid not in last or last[cid] < day):
                last[cid] = day
            calls.append((_at(rng, day), cid, channel, outcome))
    calls.sort()
    for at, cid, channel, outcome in calls:
        reached = outcome == "reached"
        opportunity = opportunities[rng.randrange(len(opportunities))] if reached and rng.random() < 0.1 else ""
        sold = round(rng.uniform(50_000, 500_000), -3) * 100 if opportunity and rng.random() < 0.4 else None
        follow = at.date() + dt.timedelta(days=rng.randint(7, 30)) if outcome == "callback" else None
        pool = notes[outcome]
        put("contact", {
            "client_id": cid, "at": at, "channel": channel, "reasons": _REASONS[rng.randrange(len(_REASONS))],
            "outcome": outcome, "note": pool[rng.randrange(len(pool))] if rng.random() < 0.5 else "",
            "new_info": new_info[rng.randrange(len(new_info))] if reached and rng.random() < 0.1 else "",
            "opportunity": opportunity, "sold_fen": int(sold) if sold else None, "next_follow_up": follow,
            "campaign_id": None, "created_at": at,
        })
    return last


def _dismissals_snoozes(rng: random.Random, today: dt.date, clients: int, put, dismissals: int,  # noqa: ANN001, PLR0913
                        snoozes: int) -> None:
    """Reasons set aside over the last year (refs of past occurrences: the today list reads them
    all), and rows put off for 1-14 days over the last 60 days (some still running today)."""
    seen: set[tuple[int, str]] = set()
    kinds = ("cadence", "birthday", "festival", "maturity", "holding")
    while len(seen) < min(dismissals, clients):
        cid = rng.randint(1, clients)
        on = today - dt.timedelta(days=rng.randint(1, 365))
        kind = kinds[rng.randrange(len(kinds))]
        ref = f"{kind}:{on.isoformat()}" if kind != "maturity" else f"deposit:{rng.randint(1, clients)}:{on.isoformat()}"
        if (cid, ref) in seen:
            continue
        seen.add((cid, ref))
        put("dismissal", {"client_id": cid, "kind": kind, "ref": ref, "on": on, "note": "",
                          "created_at": _at(rng, on)})
    for _ in range(snoozes):
        on = today - dt.timedelta(days=rng.randint(0, 60))
        put("snooze", {"client_id": rng.randint(1, clients), "on": on,
                       "until": on + dt.timedelta(days=rng.randint(1, 14)), "note": "", "created_at": _at(rng, on)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the book file to write (must not exist)")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="the day to act as today")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    make_book(args.out, args.clients, args.seed, args.date, quiet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

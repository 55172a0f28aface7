"""Generate a large synthetic book for benchmarks.

    python bench/make_book.py OUT.db [--clients 100000] [--seed 1] [--date YYYY-MM-DD]

About 1.3 phones and 10 memos per client (100k clients: ~130k phones, ~1M memos, mostly done,
~15% open), names drawn from data/demo_source.json with their pinyin keys. The schema comes from
`memo.db.open_book`; rows go in with SQLAlchemy Core executemany in big batches inside one
transaction, with `PRAGMA synchronous=OFF` and an in-memory journal on the generator's own
connection only (the book is thrown away if the run dies). The finished book is in WAL mode
like any other. Not a demo book: `memo demo` will refuse to overwrite it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from memo.db import open_book  # noqa: E402
from memo.demo import load_source, weighted  # noqa: E402
from memo.models import Client, Memo, Phone  # noqa: E402
from memo.names import name_keys  # noqa: E402

BATCH = 50_000
TIERS = (("regular", 70), ("gold", 18), ("platinum", 8), ("diamond", 3), ("private", 1))


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
    labels = src["phone_labels"]
    numbers = _Numbers(rng, src)
    keys: dict[str, tuple[str, str]] = {}  # names repeat a lot; pypinyin is the slow part
    now = dt.datetime.combine(today, dt.time(8, 30))
    epoch = now - dt.timedelta(days=3 * 365)
    span_minutes = 3 * 365 * 24 * 60
    start = time.perf_counter()

    book = open_book(path)
    client_rows: list[dict] = []
    phone_rows: list[dict] = []
    memo_rows: list[dict] = []
    counts = {"clients": 0, "phones": 0, "memos": 0}
    try:
        with book.engine.connect() as conn:
            # Pragmas on the raw connection: through SQLAlchemy they would open a transaction.
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA journal_mode = MEMORY")  # WAL again at the end
            raw.execute("PRAGMA synchronous = OFF")
            raw.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only
            # Indexes are built once at the end (a sort) rather than row by row: same schema.
            indexes = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('client', 'phone', 'memo')").fetchall()
            for name, _ in indexes:
                raw.execute(f'DROP INDEX "{name}"')

            def flush() -> None:  # parents first: foreign keys are on
                for table, rows, key in ((Client.__table__, client_rows, "clients"),
                                         (Phone.__table__, phone_rows, "phones"),
                                         (Memo.__table__, memo_rows, "memos")):
                    if rows:
                        conn.execute(table.insert(), rows)
                        counts[key] += len(rows)
                        rows.clear()

            with conn.begin():
                previous_number = None
                for client_id in range(1, clients + 1):
                    honorific = "mr" if rng.random() < 0.5 else "ms"
                    names = given[honorific]
                    name = rng.choices(surnames[0], cum_weights=surnames[1])[0] + names[rng.randrange(len(names))]
                    initials, pinyin = keys.get(name) or keys.setdefault(name, name_keys(name))
                    created = epoch + dt.timedelta(minutes=rng.randrange(span_minutes // 3))
                    birthday = rng.random()
                    solar = birthday < 0.7
                    lunar = 0.7 <= birthday < 0.85
                    client_rows.append({
                        "id": client_id, "name": name, "honorific": honorific,
                        "tier": rng.choices(tiers[0], cum_weights=tiers[1])[0], "risk": None,
                        "birth_kind": "solar" if solar else "lunar" if lunar else None,
                        "birth_year": rng.randint(1945, 2002) if solar and rng.random() < 0.6 else None,
                        "birth_month": rng.randint(1, 12) if solar or lunar else None,
                        "birth_day": rng.randint(1, 28) if solar or lunar else None,
                        "birth_leap": False, "client_since": created.date(), "profile": "",
                        "do_not_call": rng.random() < 0.02, "call_hours": "", "id_last4": None,
                        "name_initials": initials, "name_pinyin": pinyin, "deleted_at": None,
                        "created_at": created, "updated_at": created,
                    })
                    # phones: one mobile, sometimes a second, a landline, or a family member's
                    own = numbers.mobile()
                    phone_rows.append({"client_id": client_id, "number": own, "rev": own[::-1],
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
                        phone_rows.append({"client_id": client_id, "number": extra, "rev": extra[::-1],
                                           "label": label, "created_at": created})
                    previous_number = own
                    # memos: ~10 each, mostly settled
                    age = int((now - created).total_seconds() // 60)
                    for _ in range(rng.randint(0, 20)):
                        made = now - dt.timedelta(minutes=rng.randrange(max(age, 1)))
                        roll = rng.random()
                        resolution, resolved = "", None
                        if roll < 0.10:
                            kind, status, text, due = "fact", "open", facts[rng.randrange(len(facts))], None
                        else:
                            kind = "callback" if roll < 0.2 else "request"
                            pool = callbacks if kind == "callback" else requests
                            text = pool[rng.randrange(len(pool))]
                            state = rng.random()
                            if state < 0.06:
                                status = "open"
                                due = today + dt.timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.7 else None
                            else:
                                status = "done" if state < 0.88 else "dropped"
                                due = made.date() + dt.timedelta(days=rng.randint(1, 14)) if rng.random() < 0.6 else None
                                resolved = min(now, made + dt.timedelta(minutes=rng.randrange(20 * 24 * 60)))
                                notes = done_notes if status == "done" else drop_notes
                                resolution = notes[rng.randrange(len(notes))]
                        memo_rows.append({
                            "client_id": client_id, "text": text, "kind": kind, "due": due,
                            "status": status, "resolution": resolution, "resolved_at": resolved,
                            "deleted_at": None, "created_at": made, "updated_at": resolved or made,
                        })
                    if len(memo_rows) >= BATCH:
                        flush()
                flush()
                for _, sql in indexes:
                    conn.exec_driver_sql(sql)
            raw.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        book.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    book.close()
    if not quiet:
        elapsed = time.perf_counter() - start
        print(f"{path}: {counts['clients']:,} clients, {counts['phones']:,} phones, "
              f"{counts['memos']:,} memos, {len(keys):,} distinct names in {elapsed:.1f} s")
    return path


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

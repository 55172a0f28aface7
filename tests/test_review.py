"""The review's figures (memo.review) on books built by hand with known answers, its periods, and
`memo review` (plain text and JSON, errors)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from memo import calls, i18n, ops, review
from memo.cli import main
from memo.codes import DomainError, REASON_KINDS
from memo.db import Book
from memo.models import Campaign, Contact, Invitation

from .conftest import TODAY, fill_sample

D = dt.date.fromisoformat
KEYS = {"from", "to", "days", "attempted", "reached", "reach_rate", "new_info", "opportunities",
        "pending_opportunities", "sales", "sales_fen", "sales_amount", "by_reason", "by_campaign", "per_day"}
CAMPAIGN_NAME = "理财沙龙 [b]12月[/b]"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def fill_review(book: Book, ids: dict[str, int]) -> int:
    """Calls over two weeks on top of fill_sample (which logged 张三 reached 2026-11-27 14:30), and a
    campaign with invitations and two contacts. Returns the campaign's id.

    The week before, 2026-11-16 .. 22: 3 attempted, 2 reached, 1 new information, 1 opportunity
    (李四's, at 23:59:59 on the last day, pending: no sale after it).
    This week, 2026-11-23 .. 29: 9 attempted, 6 reached (a callback and a declined among them), 2
    new information, 2 opportunities (王芳's sold on the same call: 500,000.00; 李四's pending),
    nothing on Saturday 28th, a no answer at 23:59:59 on Sunday 29th, one at 00:00 on Monday.
    """
    zhang, li, wang, ouyang = ids["zhang"], ids["li"], ids["wang"], ids["ouyang"]

    def log(client_id: int, outcome: str, when: str, **kw) -> None:  # noqa: ANN003
        calls.log_call(book, client_id, outcome, now=at(when), **kw)

    log(zhang, "no_answer", "2026-11-16 10:00", reasons="cadence")
    log(wang, "reached", "2026-11-18 10:00", reasons="maturity", new_info="存款到期想转理财")
    log(li, "reached", "2026-11-22 23:59:59", reasons="cadence", opportunity="基金定投")
    log(li, "no_answer", "2026-11-23 00:00", reasons="callback")
    log(li, "reached", "2026-11-23 15:00", reasons="callback", opportunity="大额存单", new_info="女儿明年出国")
    log(wang, "reached", "2026-11-24 09:40", reasons="request", opportunity="90天理财", sold_fen=50_000_000)
    log(ouyang, "callback", "2026-11-25 11:00", reasons="key_date", next_on=D("2026-11-30"))
    log(zhang, "declined", "2026-11-26 16:00", reasons="birthday request")
    log(wang, "no_answer", "2026-11-29 23:59:59", reasons="request")
    with book.write() as session:
        campaign = Campaign(name=CAMPAIGN_NAME, method="salon", on=D("2026-11-28"))
        session.add(campaign)
        session.flush()
        for client_id, status in ((zhang, "invited"), (ouyang, "accepted"), (wang, "attended")):
            session.add(Invitation(campaign_id=campaign.id, client_id=client_id, status=status))
        session.add(Contact(client_id=ouyang, at=at("2026-11-24 14:00"), reasons="campaign", outcome="reached",
                            campaign_id=campaign.id, new_info="会带朋友来"))
        session.add(Contact(client_id=zhang, at=at("2026-11-25 10:00"), reasons="campaign", outcome="no_answer",
                            campaign_id=campaign.id))
        session.flush()
        return campaign.id


@pytest.fixture
def reviewed(book: Book) -> tuple[Book, dict[str, int]]:
    ids = fill_sample(book)
    ids["campaign"] = fill_review(book, ids)
    return book, ids


def measures(fig: dict) -> tuple:
    return (fig["attempted"], fig["reached"], fig["reach_rate"], fig["new_info"], fig["opportunities"],
            fig["pending_opportunities"], fig["sales"], fig["sales_fen"], fig["sales_amount"])


def contact(book: Book, client_id: int, when: str, outcome: str = "reached", **kw) -> None:  # noqa: ANN003
    with book.write() as session:
        session.add(Contact(client_id=client_id, at=at(when), outcome=outcome, **kw))


# --- periods ---------------------------------------------------------------------------------------


def test_week_and_month_of_a_day() -> None:
    assert review.week_of(TODAY) == (D("2026-11-23"), D("2026-11-29"))  # a Sunday: the week it ends
    assert review.week_of(D("2026-11-23")) == (D("2026-11-23"), D("2026-11-29"))
    assert review.week_of(D("2026-12-31")) == (D("2026-12-28"), D("2027-01-03"))
    assert review.month_of(TODAY) == (D("2026-11-01"), D("2026-11-30"))
    assert review.month_of(D("2024-02-10")) == (D("2024-02-01"), D("2024-02-29"))
    assert review.month_of(D("2026-12-31")) == (D("2026-12-01"), D("2026-12-31"))


def test_the_period_before_and_after() -> None:
    week = review.week_of(TODAY)
    assert review.previous_period(*week) == (D("2026-11-16"), D("2026-11-22"))
    assert review.next_period(*week) == (D("2026-11-30"), D("2026-12-06"))
    # a whole calendar month is compared with the whole month before, whatever their lengths
    assert review.previous_period(D("2026-03-01"), D("2026-03-31")) == (D("2026-02-01"), D("2026-02-28"))
    assert review.previous_period(D("2026-01-01"), D("2026-01-31")) == (D("2025-12-01"), D("2025-12-31"))
    assert review.next_period(D("2026-12-01"), D("2026-12-31")) == (D("2027-01-01"), D("2027-01-31"))
    # any other range: the same number of days, ending the day before
    assert review.previous_period(D("2026-11-10"), D("2026-11-19")) == (D("2026-10-31"), D("2026-11-09"))
    assert review.previous_period(TODAY, TODAY) == (D("2026-11-28"), D("2026-11-28"))
    assert review.previous_period(D("2026-11-02"), D("2026-11-30")) == (D("2026-10-04"), D("2026-11-01"))
    assert [review.period_kind(*p) for p in (week, review.month_of(TODAY), (TODAY, TODAY))] == ["week", "month", "range"]


def test_days_of_a_range_are_read_looking_back() -> None:
    assert review.parse_day("2026-11-01", TODAY) == D("2026-11-01")
    assert review.parse_day(" 2026/11/1 ", TODAY) == D("2026-11-01")
    assert review.parse_day("2026年2月3日", TODAY) == D("2026-02-03")
    assert review.parse_day("11/1", TODAY) == D("2026-11-01")
    assert review.parse_day("11月30日", TODAY) == D("2026-11-30")  # the end of this month: this year's
    assert review.parse_day("1-5", D("2026-01-10")) == D("2026-01-05")
    assert review.parse_day("12/1", D("2026-01-10")) == D("2025-12-01")  # eleven months ahead: last year's
    assert review.parse_day("2/29", TODAY) == D("2024-02-29")
    for bad in ("", "x", "13/1", "2026-02-30", "2/30"):
        with pytest.raises(DomainError) as err:
            review.parse_day(bad, TODAY, "from")
        assert err.value.code == "review.bad_date" and err.value.field == "from"


def test_a_period_backwards_or_too_long_is_refused(book: Book) -> None:
    with pytest.raises(DomainError) as err:
        review.figures(book, D("2026-11-30"), D("2026-11-29"))
    assert (err.value.code, err.value.field) == ("review.from_after_to", "from")
    with pytest.raises(DomainError) as err:
        review.figures(book, D("2000-01-01"), D("2026-11-29"))
    assert err.value.code == "review.too_long"
    with pytest.raises(DomainError):
        review.figures(book, dt.date.min, dt.date.min)  # no period before it


# --- figures ---------------------------------------------------------------------------------------


def test_this_week_against_the_week_before(reviewed) -> None:  # noqa: ANN001
    book, ids = reviewed
    fig = review.figures(book, *review.week_of(TODAY))
    assert KEYS | {"previous"} <= set(fig) and KEYS <= set(fig["previous"]) and "previous" not in fig["previous"]
    assert (fig["from"], fig["to"], fig["days"]) == ("2026-11-23", "2026-11-29", 7)
    assert measures(fig) == (9, 6, 0.6667, 2, 2, 1, 1, 50_000_000, "500000.00")
    before = fig["previous"]
    assert (before["from"], before["to"]) == ("2026-11-16", "2026-11-22")
    assert measures(before) == (3, 2, 0.6667, 1, 1, 1, 0, 0, "0.00")
    assert review.change(fig, before, "attempted") == 6 and review.change(fig, before, "reach_rate") == 0
    json.dumps(fig)  # ready for JSON as it is


def test_by_reason_counts_a_call_under_each_kind_it_answered(reviewed) -> None:  # noqa: ANN001
    book, _ = reviewed
    fig = review.figures(book, *review.week_of(TODAY))
    by = fig["by_reason"]
    assert list(by) == [*REASON_KINDS, "none"]  # every kind, always, in order
    assert measures(by["callback"]) == (2, 1, 0.5, 1, 1, 1, 0, 0, "0.00")
    assert measures(by["request"]) == (3, 2, 0.6667, 0, 1, 0, 1, 50_000_000, "500000.00")
    assert measures(by["birthday"])[:2] == (1, 1)  # 张三's declined call answered birthday and request
    assert measures(by["key_date"])[:3] == (1, 1, 1.0)  # "call me back" is spoken to
    assert measures(by["campaign"])[:4] == (2, 1, 0.5, 1)
    assert measures(by["none"])[:2] == (1, 1)  # fill_sample's call, logged without a reason
    assert by["maturity"]["attempted"] == 0 and by["maturity"]["reach_rate"] == 0
    assert fig["previous"]["by_reason"]["cadence"]["attempted"] == 2
    assert fig["previous"]["by_reason"]["maturity"]["new_info"] == 1


def test_by_campaign_with_its_invitations(reviewed) -> None:  # noqa: ANN001
    book, ids = reviewed
    fig = review.figures(book, *review.week_of(TODAY))
    [item] = fig["by_campaign"]
    assert (item["campaign_id"], item["name"], item["on"]) == (ids["campaign"], CAMPAIGN_NAME, "2026-11-28")
    assert measures(item)[:4] == (2, 1, 0.5, 1)
    assert item["invitations"] == {"to_invite": 0, "invited": 1, "accepted": 1, "attended": 1, "declined": 0}
    assert fig["previous"]["by_campaign"] == []
    # held in a period without any of its contacts: listed, with zeros
    held = review.figures(book, D("2026-11-28"), D("2026-11-28"))
    assert [(c["name"], c["attempted"]) for c in held["by_campaign"]] == [(CAMPAIGN_NAME, 0)]


def test_per_day_lists_every_day_zeros_included(reviewed) -> None:  # noqa: ANN001
    book, _ = reviewed
    fig = review.figures(book, *review.week_of(TODAY))
    assert [(d["date"][-2:], d["attempted"], d["reached"]) for d in fig["per_day"]] == [
        ("23", 2, 1), ("24", 2, 2), ("25", 2, 1), ("26", 1, 1), ("27", 1, 1), ("28", 0, 0), ("29", 1, 0)]
    assert sum(d["attempted"] for d in fig["per_day"]) == fig["attempted"]
    assert len(fig["previous"]["per_day"]) == 7


def test_the_ends_of_a_period_are_inclusive_to_the_second(reviewed) -> None:  # noqa: ANN001
    book, ids = reviewed
    assert review.figures(book, D("2026-11-23"), D("2026-11-23"))["attempted"] == 2  # 00:00 and 15:00
    assert review.figures(book, D("2026-11-22"), D("2026-11-22"))["attempted"] == 1  # 23:59:59
    assert review.figures(book, D("2026-11-29"), D("2026-11-29"))["attempted"] == 1  # 23:59:59
    assert review.figures(book, D("2026-11-30"), D("2026-11-30"))["attempted"] == 0
    contact(book, ids["li"], "2026-11-29 23:59:59.999999")
    contact(book, ids["li"], "2026-11-30 00:00:00")
    assert review.figures(book, D("2026-11-29"), D("2026-11-29"))["attempted"] == 2
    assert review.figures(book, D("2026-11-30"), D("2026-11-30"))["attempted"] == 1


def test_a_month_against_the_month_before(reviewed) -> None:  # noqa: ANN001
    book, _ = reviewed
    fig = review.figures(book, *review.month_of(TODAY))
    assert (fig["days"], len(fig["per_day"])) == (30, 30)
    assert measures(fig) == (12, 8, 0.6667, 3, 3, 2, 1, 50_000_000, "500000.00")
    before = fig["previous"]
    assert (before["from"], before["to"], before["days"]) == ("2026-10-01", "2026-10-31", 31)
    assert measures(before) == (0, 0, 0.0, 0, 0, 0, 0, 0, "0.00")


def test_nothing_attempted_reads_zero(book: Book) -> None:
    fig = review.figures(book, D("2026-11-01"), D("2026-11-10"))
    assert measures(fig) == (0, 0, 0.0, 0, 0, 0, 0, 0, "0.00")
    assert fig["reach_rate"] == 0 and isinstance(fig["reach_rate"], float)
    assert [d["attempted"] for d in fig["per_day"]] == [0] * 10
    assert fig["by_campaign"] == [] and all(v["attempted"] == 0 for v in fig["by_reason"].values())
    assert (fig["previous"]["from"], fig["previous"]["to"]) == ("2026-10-22", "2026-10-31")


def test_reached_means_spoken_to(book: Book) -> None:
    client = ops.add_client(book, "甲", ["13800000001"]).id
    for i, outcome in enumerate(("reached", "no_answer", "callback", "declined")):
        contact(book, client, f"2026-11-0{i + 1} 10:00", outcome)
    fig = review.figures(book, D("2026-11-01"), D("2026-11-04"))
    assert (fig["attempted"], fig["reached"], fig["reach_rate"]) == (4, 3, 0.75)
    assert review.SPOKEN == calls.TALKED


def test_an_opportunity_is_pending_until_a_sale_to_that_client(book: Book) -> None:
    a = ops.add_client(book, "甲", ["13800000001"]).id
    b = ops.add_client(book, "乙", ["13800000002"]).id
    contact(book, a, "2026-11-01 09:00", sold_fen=100)  # a sale before: does not count
    contact(book, a, "2026-11-02 10:00", opportunity="大额存单")
    contact(book, b, "2026-11-03 10:00", sold_fen=5_000)  # someone else's sale
    contact(book, b, "2026-11-03 11:00", opportunity="基金")  # raised and sold on the same call
    contact(book, b, "2026-11-03 11:00", sold_fen=0)  # an amount of 0 is no sale
    contact(book, a, "2026-11-05 16:00", sold_fen=20_000_000)
    first = review.figures(book, D("2026-11-01"), D("2026-11-04"))
    assert (first["opportunities"], first["pending_opportunities"]) == (1 + 1, 1 + 1)
    whole = review.figures(book, D("2026-11-01"), D("2026-11-05"))
    assert (whole["opportunities"], whole["pending_opportunities"], whole["sales"]) == (2, 1, 3)
    assert whole["sales_fen"] == 20_005_100 and whole["sales_amount"] == "200051.00"
    # counted up to the end of the period: the previous period's opportunities stay as they were
    later = review.figures(book, D("2026-11-06"), D("2026-11-10"))
    assert later["previous"]["pending_opportunities"] == 1


def test_reasons_it_does_not_know_count_as_none(book: Book) -> None:
    client = ops.add_client(book, "甲", ["13800000001"]).id
    contact(book, client, "2026-11-02 10:00", reasons="old_kind")
    contact(book, client, "2026-11-02 11:00", reasons="old_kind maturity")
    fig = review.figures(book, D("2026-11-02"), D("2026-11-02"))
    assert fig["by_reason"]["none"]["attempted"] == 1 and fig["by_reason"]["maturity"]["attempted"] == 1
    assert "old_kind" not in fig["by_reason"]


def test_the_query_walks_the_time_index(book: Book) -> None:
    with book.raw() as db:
        plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + review._GROUPS,
                                                          {"lo": "2026-11-01", "hi": "2026-12-01"}))
    assert "USING INDEX ix_contact_at" in plan and "USING INDEX ix_contact_client_at" in plan
    assert "SCAN c" not in plan


def test_the_review_never_imports_textual(tmp_path) -> None:  # noqa: ANN001
    code = (
        "import sys\n"
        "from memo.cli import main\n"
        f"assert main(['review', '--db', {str(tmp_path / 'b.db')!r}, '--date', '2026-11-29']) == 0\n"
        "assert main(['review', '--month', '--json', '--db', "
        f"{str(tmp_path / 'b.db')!r}, '--date', '2026-11-29']) == 0\n"
        "print('TEXTUAL', 'textual' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "TEXTUAL False"


# --- memo review -----------------------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(reviewed) -> str:  # noqa: ANN001
    book, _ = reviewed
    return str(book.path)


def test_cli_json_has_the_figures_and_the_period_before(db: str, capsys) -> None:  # noqa: ANN001
    code, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--json")
    assert code == 0
    data = json.loads(out)
    assert KEYS | {"previous", "masked"} <= set(data) and KEYS <= set(data["previous"])
    assert (data["from"], data["to"], data["attempted"], data["reached"], data["reach_rate"]) == (
        "2026-11-23", "2026-11-29", 9, 6, 0.6667)
    assert (data["new_info"], data["opportunities"], data["sales_amount"], data["masked"]) == (2, 2, "500000.00", False)
    assert data["by_reason"]["request"]["sales_amount"] == "500000.00"
    assert data["by_campaign"][0]["name"] == CAMPAIGN_NAME
    assert len(data["per_day"]) == 7 and data["per_day"][5] == {"date": "2026-11-28", "attempted": 0, "reached": 0}
    assert data["previous"]["attempted"] == 3


@pytest.mark.parametrize("args, period", [
    ((), ("2026-11-23", "2026-11-29")),
    (("--week",), ("2026-11-23", "2026-11-29")),
    (("--month",), ("2026-11-01", "2026-11-30")),
    (("--from", "2026-11-20", "--to", "2026-11-24"), ("2026-11-20", "2026-11-24")),
    (("--from", "11/20"), ("2026-11-20", "2026-11-29")),  # to --date
    (("--from", "11月1日", "--to", "11/30"), ("2026-11-01", "2026-11-30")),
])
def test_cli_periods(db: str, capsys, args: tuple, period: tuple) -> None:  # noqa: ANN001
    code, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--json", *args)
    data = json.loads(out)
    assert code == 0 and (data["from"], data["to"]) == period


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-11-30", "--to", "2026-11-29"), "memo: --from: The start 2026-11-30 is after the end"),
    (("--from", "2026-12-05"), "memo: --from: The start 2026-12-05 is after the end"),
    (("--to", "2026-11-29"), "memo: --to: give the first day with --from too"),
    (("--from", "someday"), "memo: --from: Cannot read the date “someday”"),
    (("--from", "2026-11-01", "--to", "11/31"), "memo: --to: Cannot read the date “11/31”"),
    (("--week", "--month"), "memo: --month: Give the period one way only"),
    (("--from", "2026-11-01", "--week"), "memo: --week: Give the period one way only"),
    (("--from", "1990-01-01"), f"memo: --from: {(TODAY - D('1990-01-01')).days + 1} days is too long a period"),
    (("--from", "1990-01-01", "--to", "2026-11-29"), "memo: --to: "),
])
def test_cli_errors_are_one_line_naming_the_option(db: str, capsys, args: tuple, message: str) -> None:  # noqa: ANN001
    code, out, err = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--lang", "en", *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err


def test_cli_table_shows_the_period_before_and_the_change(db: str, capsys) -> None:  # noqa: ANN001
    i18n.set_lang("en")
    code, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Review 2026-11-23 — 2026-11-29 (week, 7 days)"
    assert lines[1] == "against the period before, 2026-11-16 — 2026-11-22"
    row = {line.split("  ")[1].strip(): line.split() for line in lines if line.startswith("  ")}
    assert row["Contacts attempted"][-3:] == ["9", "3", "+6"]
    assert row["Reach rate"][-3:] == ["66.7%", "66.7%", "0"]
    assert row["Sales amount"][-3:] == ["500,000.00", "0.00", "+500,000.00"]
    assert "By reason" in lines and "By campaign" in lines and "Calls per day  2026-11-23 — 2026-11-29" in lines
    request = next(line for line in lines if line.startswith("request "))
    assert request.split() == ["request", "3", "2", "66.7%", "0.0%", "0", "1", "0", "500,000.00"]
    assert any(line.startswith(CAMPAIGN_NAME) and "invited 1 accepted 1 attended 1" in line for line in lines)
    made = next(line for line in lines if line.startswith("made "))
    assert "  ███▄▄ ▄  max 2" in made  # one bar a day: 2 2 2 1 1 0 1
    reached = next(line for line in lines if line.startswith("reached "))
    assert reached.endswith("  ▄█▄▄▄")  # 1 2 1 1 1 0 0


def test_cli_table_in_chinese_and_masked(db: str, capsys) -> None:  # noqa: ANN001
    code, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--lang", "zh", "--mask")
    assert code == 0
    assert out.splitlines()[0] == "复盘 2026-11-23 — 2026-11-29（周，7天）"
    assert "联络达成率" in out and "待跟进的销售机会" in out and "关系取向效果" in out and "产品/服务取向效果" in out
    assert "500,000" not in out and "***" in out
    code, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--json", "--mask")
    data = json.loads(out)
    assert data["masked"] is True and data["sales_amount"] is None and data["sales_fen"] is None
    assert data["previous"]["sales_amount"] is None and data["by_reason"]["request"]["sales_amount"] is None
    assert data["attempted"] == 9  # counts are not hidden


def test_cli_follows_privacy_mode_unless_full(db: str, capsys) -> None:  # noqa: ANN001
    run(capsys, "privacy", "on", "--db", db)
    _, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--json")
    assert json.loads(out)["sales_amount"] is None
    _, out, _ = run(capsys, "review", "--db", db, "--date", "2026-11-29", "--json", "--full")
    assert json.loads(out)["sales_amount"] == "500000.00"


def test_cli_names_are_shown_safe(book: Book, capsys) -> None:  # noqa: ANN001
    with book.write() as session:
        session.add(Campaign(name="\x1b[31m红\x1b[0m", on=D("2026-11-28")))
    code, out, _ = run(capsys, "review", "--db", str(book.path), "--date", "2026-11-29", "--lang", "en")
    assert code == 0 and "\x1b" not in out and "␛[31m红␛[0m" in out
    code, out, _ = run(capsys, "review", "--db", str(book.path), "--date", "2026-11-29", "--json")
    assert "\x1b" not in out and json.loads(out)["by_campaign"][0]["name"] == "\x1b[31m红\x1b[0m"

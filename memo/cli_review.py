"""`memo review`: what the calls of a period achieved, beside the period before (memo.review).

    memo review [--from D [--to D] | --week | --month] [--date D] [--json] [--full|--mask]

Without a period option, the week (Monday to Sunday) of --date (default today); --month its
calendar month; --from alone runs to --date. Days are 2026-11-01, 2026/11/1 or, without the
year, 11/1 (this year's, or last year's when this year's is more than two months after --date).
The period before is the week before a week, the calendar month before a whole calendar month,
and otherwise the same number of days just before (memo.review.previous_period).

The plain output is a table of the measures of the seed's two families with the previous period
beside them and the change, then by reason kind and by campaign, and a line of bars per day for
periods up to two months. `--json` prints memo.review.figures as it is: "from", "to", "days",
"attempted", "reached", "reach_rate" (0..1), "new_info", "opportunities", "pending_opportunities",
"sales", "sales_fen", "sales_amount" (exact yuan, a decimal string), "by_reason", "by_campaign",
"per_day" and "previous" (the same keys for the period before).

Privacy: in privacy mode (`memo privacy on`) or with --mask, amounts are hidden (*** in the
table, null in JSON, with "masked": true); --full shows them even in privacy mode.
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from typing import Any

from memo.codes import DomainError
from memo.i18n import t
from memo.review import (FAMILIES, campaign_name, change_text, invitations_text, percent, reason_label,
                         reason_rows, value_text)

__all__ = ["REVIEW_HANDLERS", "add_review_commands", "review_lines"]

BARS = "▁▂▃▄▅▆▇█"
CHART_DAYS = 62  # the per-day bars are printed for periods up to this long
AMOUNT_KEYS = ("sales_fen", "sales_amount")


def add_review_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                        as_json: argparse.ArgumentParser) -> None:
    """Adds `memo review` to the parser."""
    from memo.cli import privacy_options

    review = sub.add_parser(
        "review", parents=[common, dated, as_json, privacy_options()],
        help="the review of a period: reach rate, new information, opportunities and sales, "
             "against the period before")
    review.add_argument("--from", dest="start", default=None, metavar="D",
                        help="the first day: 2026-11-01, or 11/1 (this year's unless more than two months ahead)")
    review.add_argument("--to", dest="end", default=None, metavar="D",
                        help="the last day, inclusive (default: --date); needs --from")
    review.add_argument("--week", action="store_true", help="the week (Monday to Sunday) of --date (the default)")
    review.add_argument("--month", action="store_true", help="the calendar month of --date")


# --- the period ------------------------------------------------------------------------------------


def _in_option(option: str, code: str, value: object = "") -> Exception:
    from memo.cli import in_option

    return in_option(DomainError(code, value), option)


def period(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    """The period the options ask for; a CliError naming the option otherwise."""
    from memo import review
    from memo.cli import day_of
    from memo.codes import DomainError

    day = day_of(args)
    ranged = args.start is not None or args.end is not None
    given = [option for option, on in (("--from", args.start is not None), ("--to", args.end is not None),
                                       ("--week", args.week), ("--month", args.month)) if on]
    if ranged + args.week + args.month > 1:
        raise _in_option(given[-1], "review.one_period")
    if args.month:
        start, end = review.month_of(day)
    elif not ranged:
        start, end = review.week_of(day)
    else:
        if args.start is None:
            raise _in_option("--to", "review.need_from")
        values = {}
        for option, raw in (("--from", args.start), ("--to", args.end)):
            if raw is None:
                continue
            try:
                values[option] = review.parse_day(raw, day)
            except DomainError as exc:
                raise _in_option(option, exc.code, exc.value) from None
        start = values["--from"]
        end = values.get("--to", day)
    try:
        review.check_period(start, end)
    except DomainError as exc:
        option = "--to" if exc.field == "to" and args.end is not None else "--from"
        raise _in_option(option, exc.code, exc.value) from None
    return start, end


# --- the plain text --------------------------------------------------------------------------------


def width(text: str) -> int:
    """Terminal cells: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, size: int, right: bool = True) -> str:
    pad = " " * max(0, size - width(text))
    return pad + text if right else text + pad


def _table(rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns sized to their widest cell; the first `left` columns flush left, the rest right."""
    sizes = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_cell(c, sizes[i], right=i >= left) for i, c in enumerate(row)).rstrip() for row in rows]








def _period_head(fig: dict[str, Any]) -> list[str]:
    from memo.review import period_kind

    start, end = dt.date.fromisoformat(fig["from"]), dt.date.fromisoformat(fig["to"])
    what = t(f"review.period.{period_kind(start, end)}")
    lines = [t("review.title", start=fig["from"], end=fig["to"], what=what, days=t("review.days", n=fig["days"]))]
    before = fig.get("previous")
    if before is not None:
        lines.append(t("review.compare", start=before["from"], end=before["to"]))
    return lines


def _measures(fig: dict[str, Any], privacy: bool) -> list[str]:
    before = fig["previous"]
    rows = [[t("review.col.measure"), t("review.col.this"), t("review.col.previous"), t("review.col.change")]]
    heads = []
    for family, keys in FAMILIES:
        heads.append(len(rows))
        rows.append([t(family), "", "", ""])
        for key in keys:
            rows.append(["  " + t(f"review.m.{key}"), value_text(fig, key, privacy), value_text(before, key, privacy),
                         change_text(fig, before, key, privacy)])
    return _table(rows)






def _by_reason(fig: dict[str, Any], privacy: bool) -> list[str]:
    before = fig["previous"]["by_reason"]
    rows = [[t("review.col.reason"), t("review.col.attempted"), t("review.col.reached"), t("review.col.rate"),
             t("review.col.rate_before"), t("review.col.new_info"), t("review.col.opportunities"),
             t("review.col.pending"), t("review.col.sales")]]
    for kind in reason_rows(fig):
        f, b = fig["by_reason"][kind], before[kind]
        rows.append([reason_label(kind), str(f["attempted"]), str(f["reached"]), percent(f["reach_rate"]),
                     percent(b["reach_rate"]), str(f["new_info"]), str(f["opportunities"]),
                     str(f["pending_opportunities"]), value_text(f, "sales_amount", privacy)])
    return _table(rows) if len(rows) > 1 else []






def _by_campaign(fig: dict[str, Any], privacy: bool) -> list[str]:
    rows = [[t("review.col.campaign"), t("review.col.date"), t("review.col.attempted"), t("review.col.reached"),
             t("review.col.rate"), t("review.col.new_info"), t("review.col.opportunities"), t("review.col.pending"),
             t("review.col.sales"), t("review.col.invitations")]]
    for c in fig["by_campaign"]:
        rows.append([campaign_name(c), c["on"] or "", str(c["attempted"]), str(c["reached"]), percent(c["reach_rate"]),
                     str(c["new_info"]), str(c["opportunities"]), str(c["pending_opportunities"]),
                     value_text(c, "sales_amount", privacy), invitations_text(c["invitations"])])
    lines = _table(rows, left=2)
    return lines


def bars(values: list[int], top: int) -> str:
    """One block character per value, scaled to `top` (an empty day is a space)."""
    if top <= 0:
        return " " * len(values)
    return "".join(" " if v <= 0 else BARS[min(len(BARS) - 1, (v * len(BARS) - 1) // top)] for v in values)


def _per_day(fig: dict[str, Any]) -> list[str]:
    days = fig["per_day"]
    if not days or len(days) > CHART_DAYS:
        return []
    made = [d["attempted"] for d in days]
    reached = [d["reached"] for d in days]
    top = max(made)
    names = [t("review.legend_made"), t("review.legend_reached")]
    size = max(width(n) for n in names)
    return [f"{_cell(names[0], size, right=False)}  {bars(made, top)}  {t('review.chart_max', n=top)}",
            f"{_cell(names[1], size, right=False)}  {bars(reached, top)}".rstrip()]


def review_lines(fig: dict[str, Any], privacy: bool = False) -> list[str]:
    lines = _period_head(fig) + [""] + _measures(fig, privacy)
    if not fig["attempted"]:
        lines += ["", t("review.empty")]
    reasons = _by_reason(fig, privacy)
    if reasons:
        lines += ["", t("review.by_reason"), *reasons]
    lines += ["", t("review.by_campaign")]
    lines += _by_campaign(fig, privacy) if fig["by_campaign"] else [t("review.no_campaigns")]
    chart = _per_day(fig)
    if chart:
        lines += ["", t("review.per_day") + f"  {fig['from']} — {fig['to']}", *chart]
    return lines


# --- JSON ------------------------------------------------------------------------------------------


def masked(fig: Any) -> Any:
    """The figures with every amount hidden (null), for privacy mode."""
    if isinstance(fig, dict):
        return {k: (None if k in AMOUNT_KEYS else masked(v)) for k, v in fig.items()}
    if isinstance(fig, list):
        return [masked(v) for v in fig]
    return fig


def _review(args: argparse.Namespace, book) -> int:  # noqa: ANN001
    from memo import review
    from memo.cli import dump_json, private

    start, end = period(args)
    privacy = private(args, book)
    fig = review.figures(book, start, end)
    if args.json:
        data = masked(fig) if privacy else fig
        data["masked"] = privacy
        print(dump_json(data))
        return 0
    for line in review_lines(fig, privacy):
        print(line)
    return 0


REVIEW_HANDLERS = {"review": _review}

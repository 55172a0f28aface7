"""The stored codes of kinds and statuses (their words live in the message catalog), the domain
error, and plain values as JSON. Light on purpose: the today screen's first paint and the CLI's
output need them without SQLAlchemy."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, is_dataclass
from typing import Any

TIERS = ("regular", "gold", "platinum", "diamond", "private")  # 普通 金卡 白金 钻石 私行
RISKS = ("C1", "C2", "C3", "C4", "C5")
HONORIFICS = ("mr", "ms")  # 先生 女士
DATE_KINDS = ("solar", "lunar")
MEMO_KINDS = ("request", "fact", "callback")
MEMO_STATUSES = ("open", "done", "dropped")
DEPOSIT_KINDS = ("time", "cd", "other")
DEPOSIT_STATUSES = ("active", "matured", "withdrawn", "rolled")
HOLDING_KINDS = ("wealth", "fund", "gold", "other")
HOLDING_STATUSES = ("held", "sold")
CHANNELS = ("phone", "visit", "sms", "wechat", "event", "letter", "email")
OUTCOMES = ("reached", "no_answer", "callback", "declined")
CAMPAIGN_METHODS = ("visit", "salon", "phone", "sms", "launch", "other")
FREQUENCIES = ("once", "weekly", "monthly")
INVITATION_STATUSES = ("to_invite", "invited", "accepted", "attended", "declined")
# Why a client is on the today list (memo.agenda); `campaign` comes with the campaigns.
REASON_KINDS = ("maturity", "birthday", "lunar_birthday", "key_date", "festival", "request", "callback",
                "holding", "cadence", "campaign")
PRIVACY_DEFAULT_KEY = "privacy_default"  # the Setting: privacy mode at start (app) and for the CLI's lists
CROSSED_LINES = ("take_profit", "stop_loss")


class DomainError(ValueError):
    """Bad input or a state that forbids the change. .code is a catalog key, .value the offending
    text, .field the input it came from (the screens focus it)."""

    def __init__(self, code: str, value: object = "", field: str | None = None):
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = str(value)
        self.field = field


class AmbiguousClient(DomainError):
    """A reference that matches several clients: .candidates are the search hits to choose from."""

    def __init__(self, value: str, candidates: list):
        super().__init__("client.ambiguous", value)
        self.candidates = candidates


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and lists as JSON-ready values."""
    if is_dataclass(value):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value

"""Domain operations: clients, phones, jotting, closing memos, today, the card, settings."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from memo import cli, ops
from memo.birthdays import Birthday
from memo.codes import to_jsonable
from memo.db import Book, open_book
from memo.models import Client, Contact, Memo, Phone
from sqlmodel import select

DAY = dt.date(2026, 3, 2)  # a Monday
NOW = dt.datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def bk(tmp_path: Path):
    book = open_book(tmp_path / "book.db")
    yield book
    book.close()


def _counts(book: Book) -> tuple[int, int, int]:
    with book.engine.connect() as conn:
        return tuple(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                     for t in ("client", "phone", "memo"))


def _raises(code: str, field: str | None = None):  # noqa: ANN202
    @contextlib.contextmanager
    def check():  # noqa: ANN202
        with pytest.raises(ops.DomainError) as info:
            yield info
        assert info.value.code == code, info.value.code
        if field is not None:
            assert info.value.field == field
    return check()


# --- add_client ------------------------------------------------------------------------------------------


def test_add_client_returns_the_card(bk: Book) -> None:
    card = ops.add_client(bk, " 张三 ", ["138 0013 8000", "+86 138-0013-8000", "0371-65123456"],
                          honorific="先生", tier="金卡", birthday="1975-08-15", now=NOW)
    assert card.name == "张三"
    assert [p.number for p in card.phones] == ["13800138000", "037165123456"]  # deduplicated
    assert (card.honorific, card.tier) == ("mr", "gold")
    assert card.birthday == Birthday("solar", 8, 15, 1975)
    assert card.created_at == NOW
    assert card.open_memos == [] and card.timeline == []
    assert not card.is_stub
    with bk.read() as session:
        client = session.get(Client, card.id)
        assert (client.name_initials, client.name_pinyin) == ("zs", "zhangsan")
        revs = session.exec(select(Phone.rev).order_by(Phone.id)).all()
        assert revs == ["00083100831", "654321561730"]


@pytest.mark.parametrize("phone, code", [
    ("12345", "phone.bad_length"),
    ("1380013800a", "phone.bad_chars"),
    ("+1 212 555 0100", "phone.foreign"),
    ("12800138000", "phone.invalid"),
    ("   ", "phone.empty"),
])
def test_add_client_bad_phone_names_the_field_and_writes_nothing(bk: Book, phone: str, code: str) -> None:
    with pytest.raises(ops.DomainError) as info:
        ops.add_client(bk, "张三", ["13800138000", phone])
    assert info.value.code == code
    assert info.value.code.startswith("phone.")
    assert info.value.field == "phone"
    assert _counts(bk) == (0, 0, 0)


@pytest.mark.parametrize("kwargs, code, field", [
    (dict(name=""), "client.name_empty", "name"),
    (dict(name=" \t\n"), "client.name_empty", "name"),
    (dict(tier="黑卡"), "client.bad_tier", "tier"),
    (dict(tier="vip"), "client.bad_tier", "tier"),
    (dict(honorific="sir"), "client.bad_honorific", "honorific"),
    (dict(birthday="2月30日"), "birthday.bad", "birthday"),
    (dict(birthday="someday"), "birthday.bad", "birthday"),
])
def test_add_client_validation_writes_nothing(bk: Book, kwargs: dict, code: str, field: str) -> None:
    args = {"name": "张三", "phones": ["13800138000"], **kwargs}
    with _raises(code, field):
        ops.add_client(bk, args.pop("name"), args.pop("phones"), **args)
    assert _counts(bk) == (0, 0, 0)


def test_add_client_without_phones(bk: Book) -> None:
    card = ops.add_client(bk, "王芳", [])
    assert card.phones == [] and card.tier == "regular" and card.honorific is None


# --- edit_client -----------------------------------------------------------------------------------------


@pytest.fixture
def zhang(bk: Book) -> int:
    return ops.add_client(bk, "张三", ["13800138000"], now=NOW).id


@pytest.mark.parametrize("word, tier", [
    ("普通", "regular"), ("金卡", "gold"), ("白金", "platinum"), ("白金卡", "platinum"), ("钻石", "diamond"),
    ("私行", "private"), ("私人银行", "private"), ("gold", "gold"), (" Diamond ", "diamond"),
])
def test_edit_tier_by_words(bk: Book, zhang: int, word: str, tier: str) -> None:
    assert ops.edit_client(bk, zhang, tier=word).tier == tier


@pytest.mark.parametrize("word, honorific", [
    ("先生", "mr"), ("女士", "ms"), ("小姐", "ms"), ("Mr.", "mr"), ("ms", "ms"), ("", None), (None, None),
])
def test_edit_honorific_by_words(bk: Book, zhang: int, word: str | None, honorific: str | None) -> None:
    ops.edit_client(bk, zhang, honorific="先生" if honorific == "ms" else "女士")  # start elsewhere
    assert ops.edit_client(bk, zhang, honorific=word).honorific == honorific


@pytest.mark.parametrize("raw, expected", [
    ("1975-08-15", Birthday("solar", 8, 15, 1975)),
    ("08-15", Birthday("solar", 8, 15)),
    ("8月15日", Birthday("solar", 8, 15)),
    ("02-29", Birthday("solar", 2, 29)),
    ("农历八月十五", Birthday("lunar", 8, 15)),
    ("农历闰六月初一", Birthday("lunar", 6, 1, leap=True)),
    ("lunar 8/15", Birthday("lunar", 8, 15)),
    ("L*06-01", Birthday("lunar", 6, 1, leap=True)),
    ("农历腊月三十", Birthday("lunar", 12, 30)),
    ("", None),
])
def test_edit_birthday_solar_and_lunar(bk: Book, zhang: int, raw: str, expected: Birthday | None) -> None:
    ops.edit_client(bk, zhang, birthday="1960-01-01", now=NOW)
    card = ops.edit_client(bk, zhang, birthday=raw, now=NOW)
    assert card.birthday == expected
    with bk.read() as session:
        client = session.get(Client, zhang)
        assert client.birth_kind == (expected.kind if expected else None)
        assert client.birth_leap == (expected.leap if expected else False)


@pytest.mark.parametrize("birthday", [
    Birthday("solar", 8, 15, 1975), Birthday("solar", 2, 29), Birthday("solar", 2, 29, 2000),
    Birthday("lunar", 8, 15), Birthday("lunar", 8, 15, 1975), Birthday("lunar", 6, 1, leap=True),
    Birthday("lunar", 6, 1, 1975, leap=True), Birthday("lunar", 12, 30, 1980),
])
def test_birthday_iso_reads_back(bk: Book, zhang: int, birthday: Birthday) -> None:
    """The CLI shows birthdays as iso() ("L*1975-06-01"); that text must be accepted again."""
    assert ops.edit_client(bk, zhang, birthday=birthday.iso(), now=NOW).birthday == birthday


@pytest.mark.parametrize("raw", ["2027-01-01", "农历2999年八月十五", "L1899-08-15", "1999-02-29", "农历八月三十一"])
def test_impossible_birthdays(bk: Book, zhang: int, raw: str) -> None:
    with _raises("birthday.bad", "birthday"):
        ops.edit_client(bk, zhang, birthday=raw, now=NOW)


def test_edit_every_other_field(bk: Book, zhang: int) -> None:
    card = ops.edit_client(bk, zhang, risk="c3", tags="退休, 个体户，喝茶 退休", client_since="2012-05-01",
                           do_not_call=True, call_hours=" 9-11点 ", profile=" 儿子在深圳 ", now=NOW)
    assert card.risk == "C3"
    assert card.tags == sorted({"退休", "个体户", "喝茶"})
    assert card.client_since == dt.date(2012, 5, 1)
    assert card.do_not_call is True
    assert card.call_hours == "9-11点"
    assert card.profile == "儿子在深圳"
    card = ops.edit_client(bk, zhang, risk="", tags="", client_since="", do_not_call=False, profile="")
    assert (card.risk, card.tags, card.client_since, card.do_not_call, card.profile) == (None, [], None, False, "")


@pytest.mark.parametrize("kwargs, code, field", [
    (dict(risk="C9"), "client.bad_risk", "risk"),
    (dict(tier="黑卡"), "client.bad_tier", "tier"),
    (dict(client_since="去年"), "client.bad_since", "client_since"),
    (dict(birthday="13-01"), "birthday.bad", "birthday"),
    (dict(name="  "), "client.name_empty", "name"),
    (dict(honorific="大人"), "client.bad_honorific", "honorific"),
])
def test_edit_rejects_bad_values_and_changes_nothing(bk: Book, zhang: int, kwargs: dict, code: str,
                                                      field: str) -> None:
    before = ops.show(bk, zhang)
    with _raises(code, field):
        ops.edit_client(bk, zhang, profile="新资料", **kwargs)  # a good value beside the bad one
    assert ops.show(bk, zhang) == before


def test_edit_unknown_field_is_a_programming_error(bk: Book, zhang: int) -> None:
    with pytest.raises(TypeError):
        ops.edit_client(bk, zhang, id_number="110101199003077777")


def test_edit_missing_or_deleted_client(bk: Book, zhang: int) -> None:
    with _raises("client.not_found"):
        ops.edit_client(bk, 999, tier="金卡")
    ops.delete_client(bk, zhang)
    with _raises("client.not_found"):
        ops.edit_client(bk, zhang, tier="金卡")


def test_rename_recomputes_name_keys(bk: Book, zhang: int) -> None:
    card = ops.edit_client(bk, zhang, name="单田芳", now=NOW + dt.timedelta(hours=1))
    assert card.name == "单田芳"
    with bk.read() as session:
        client = session.get(Client, zhang)
        assert (client.name_initials, client.name_pinyin) == ("stf", "shantianfang")
        assert client.updated_at == NOW + dt.timedelta(hours=1)
    assert [h.id for h in ops.find(bk, "stf")] == [zhang]
    assert ops.find(bk, "zs") == []


# --- phones -----------------------------------------------------------------------------------------------


def test_add_and_remove_phone(bk: Book, zhang: int) -> None:
    card = ops.add_phone(bk, zhang, "010-6552 9988", label=" 单位 ")
    assert [(p.number, p.label) for p in card.phones] == [("13800138000", ""), ("01065529988", "单位")]
    assert [h.id for h in ops.find(bk, "9988")] == [zhang]
    with _raises("client.phone_taken", "phone"):
        ops.add_phone(bk, zhang, "+86 10 6552 9988")  # the same number written otherwise
    with _raises("phone.invalid", "phone"):
        ops.add_phone(bk, zhang, "6552 9988")  # a landline without its area code
    card = ops.remove_phone(bk, zhang, "(010) 65529988")
    assert [p.number for p in card.phones] == ["13800138000"]
    assert ops.find(bk, "9988") == []
    with _raises("client.phone_missing", "phone"):
        ops.remove_phone(bk, zhang, "01065529988")


def test_one_number_on_two_clients(bk: Book, zhang: int) -> None:
    wife = ops.add_client(bk, "李四", []).id
    ops.add_phone(bk, wife, "13800138000", label="配偶")
    assert {h.id for h in ops.find(bk, "13800138000")} == {zhang, wife}


# --- jot ----------------------------------------------------------------------------------------------------


@pytest.fixture
def people(bk: Book) -> dict[str, int]:
    return {
        "zhang": ops.add_client(bk, "张三", ["13800138000"]).id,
        "zhangsanfeng": ops.add_client(bk, "张三丰", ["13900002222"]).id,
        "li": ops.add_client(bk, "李四", ["13800138000", "13512348000"]).id,
        "shan": ops.add_client(bk, "单田芳", ["15011112222"]).id,
        "wang1": ops.add_client(bk, "王芳", ["13600000001"]).id,
        "wang2": ops.add_client(bk, "王芳", ["13600000002"]).id,
    }


def test_jot_with_no_client(bk: Book) -> None:
    result = ops.jot(bk, "  要两万美元现金  ", None, now=NOW)
    assert result.created_client is False
    memo = result.memo
    assert (memo.client_id, memo.client_name, memo.phones) == (None, None, [])
    assert (memo.text, memo.kind, memo.status, memo.due) == ("要两万美元现金", "request", "open", None)
    assert memo.created_at == NOW
    assert ops.jot(bk, "x", "   ").memo.client_id is None


@pytest.mark.parametrize("who, expected", [
    ("#4", "shan"), ("id:4", "shan"), ("＃4", "shan"),
    ("单田芳", "shan"), ("田芳", "shan"), ("stf", "shan"), ("shantianfang", "shan"),
    ("15011112222", "shan"), ("150 1111 2222", "shan"), ("+86 150-1111-2222", "shan"),
    ("2222", None),  # both 单田芳 and 张三丰 end with 2222: ambiguous, see below
    ("12222", "shan"), ("1501", "shan"),
    ("张三", "zhang"),  # exact name wins over 张三丰
    ("张三丰", "zhangsanfeng"),
])
def test_jot_by_reference(bk: Book, people: dict[str, int], who: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ops.AmbiguousClient):
            ops.jot(bk, "x", who)
        return
    result = ops.jot(bk, "回电", who, due=DAY, kind="callback")
    assert result.created_client is False
    assert result.memo.client_id == people[expected]
    assert (result.memo.kind, result.memo.due) == ("callback", DAY)


def test_jot_by_id(bk: Book, people: dict[str, int]) -> None:
    memo = ops.jot(bk, "x", people["li"]).memo
    assert (memo.client_id, memo.client_name, memo.phones) == (people["li"], "李四", ["13800138000", "13512348000"])


def test_jot_by_last_four_digits(bk: Book, people: dict[str, int]) -> None:
    ops.add_client(bk, "赵六", ["13712345555"])
    memo = ops.jot(bk, "想买理财", "5555").memo
    assert memo.client_name == "赵六"


def test_unknown_full_phone_makes_a_stub_client(bk: Book, people: dict[str, int]) -> None:
    result = ops.jot(bk, "要美元", "133 5555 6666", now=NOW)
    assert result.created_client is True
    memo = result.memo
    assert memo.client_id not in people.values()
    assert memo.client_name == "" and memo.phones == ["13355556666"]
    card = ops.show(bk, memo.client_id)
    assert card.is_stub and [p.number for p in card.phones] == ["13355556666"]
    # the next jot on that number goes to the same stub
    again = ops.jot(bk, "还要欧元", "13355556666")
    assert again.created_client is False and again.memo.client_id == memo.client_id


@pytest.mark.parametrize("who, candidates", [
    ("13800138000", {"zhang", "li"}),  # the family number
    ("8000", {"zhang", "li"}),
    ("王芳", {"wang1", "wang2"}),
])
def test_ambiguous_reference_lists_the_candidates(bk: Book, people: dict[str, int], who: str,
                                                  candidates: set[str]) -> None:
    before = _counts(bk)
    with pytest.raises(ops.AmbiguousClient) as info:
        ops.jot(bk, "x", who)
    assert info.value.code == "client.ambiguous"
    assert {h.id for h in info.value.candidates} == {people[c] for c in candidates}
    assert _counts(bk) == before


@pytest.mark.parametrize("who", ["赵钱孙", "nobody", "#999", "17777", "99999"])
def test_unknown_reference(bk: Book, people: dict[str, int], who: str) -> None:
    before = _counts(bk)
    with _raises("client.not_found"):
        ops.jot(bk, "x", who)
    assert _counts(bk) == before


def test_jot_rejects_empty_text_and_bad_kind(bk: Book, people: dict[str, int]) -> None:
    for blank in ("", "   ", "\n\t", "\x00"):
        with _raises("memo.text_empty", "text"):
            ops.jot(bk, blank, people["zhang"])
    with _raises("memo.bad_kind", "kind"):
        ops.jot(bk, "x", people["zhang"], kind="wish")
    assert _counts(bk)[2] == 0


def test_jot_on_a_deleted_client_by_id(bk: Book, people: dict[str, int]) -> None:
    ops.delete_client(bk, people["shan"])
    with _raises("client.not_found"):
        ops.jot(bk, "x", people["shan"])
    with _raises("client.not_found"):
        ops.jot(bk, "x", f"#{people['shan']}")


# --- resolving and dropping ---------------------------------------------------------------------------------


def test_resolve_and_drop(bk: Book, people: dict[str, int]) -> None:
    a = ops.jot(bk, "兑换新钞", people["zhang"], now=NOW).memo.id
    b = ops.jot(bk, "要美元", people["zhang"], now=NOW).memo.id
    done = ops.resolve_memo(bk, a, "  已兑换 5000 元 ", now=NOW + dt.timedelta(hours=2))
    assert (done.status, done.resolution, done.resolved_at) == ("done", "已兑换 5000 元", NOW + dt.timedelta(hours=2))
    dropped = ops.drop_memo(bk, b, "客户不要了")
    assert (dropped.status, dropped.resolution) == ("dropped", "客户不要了")
    for memo_id in (a, b):
        for close in (ops.resolve_memo, ops.drop_memo):
            with _raises("memo.not_open"):
                close(bk, memo_id)
    assert ops.get_memo(bk, a).status == "done"  # closing twice changed nothing
    with _raises("memo.not_found"):
        ops.resolve_memo(bk, 999)
    with _raises("memo.not_found"):
        ops.drop_memo(bk, 999)
    assert ops.show(bk, people["zhang"]).open_memos == []


# --- today ----------------------------------------------------------------------------------------------------


def test_today_lists_open_requests_and_callbacks_due(bk: Book, people: dict[str, int]) -> None:
    z, s = people["zhang"], people["shan"]
    overdue = ops.jot(bk, "逾期", z, due=DAY - dt.timedelta(days=3)).memo.id
    due_today = ops.jot(bk, "今天回电", s, due=DAY, kind="callback").memo.id
    nobody = ops.jot(bk, "无主", None, due=DAY - dt.timedelta(days=1)).memo.id
    ops.jot(bk, "以后", z, due=DAY + dt.timedelta(days=1))
    ops.jot(bk, "没期限", z)
    ops.jot(bk, "信息", z, kind="fact", due=DAY - dt.timedelta(days=1))
    done = ops.jot(bk, "办了", z, due=DAY - dt.timedelta(days=1)).memo.id
    ops.resolve_memo(bk, done)
    dropped = ops.jot(bk, "不要了", z, due=DAY).memo.id
    ops.drop_memo(bk, dropped)

    page = ops.today(bk, DAY)
    assert page.day == DAY
    assert [m.id for m in page.due] == [overdue, nobody, due_today]  # oldest due first
    assert page.due_count == 3
    assert page.open_count == 5  # overdue, today, nobody, later, no-due; not the fact
    first = page.due[0]
    assert (first.client_name, first.phones) == ("张三", ["13800138000"])
    assert page.due[1].client_name is None
    # a day earlier, only what was due by then
    assert [m.id for m in ops.today(bk, DAY - dt.timedelta(days=1)).due] == [overdue, nobody]


def test_today_pages(bk: Book, people: dict[str, int]) -> None:
    ids = [ops.jot(bk, f"第{i}条", people["zhang"], due=DAY - dt.timedelta(days=i)).memo.id for i in range(7)]
    expected = list(reversed(ids))  # oldest due first
    pages = [ops.today(bk, DAY, limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert [[m.id for m in p.due] for p in pages] == [expected[0:3], expected[3:6], expected[6:7], []]
    assert all(p.due_count == 7 for p in pages)


def test_soft_delete_keeps_memos_but_the_client_leaves_the_lists(bk: Book, people: dict[str, int]) -> None:
    memo_id = ops.jot(bk, "要美元", people["shan"], due=DAY).memo.id
    ops.jot(bk, "别人的", people["zhang"], due=DAY)
    ops.delete_client(bk, people["shan"], now=NOW)
    assert ops.get_memo(bk, memo_id).text == "要美元"  # nothing jotted is lost
    with bk.read() as session:
        assert session.get(Memo, memo_id).client_id == people["shan"]
        assert session.get(Client, people["shan"]).deleted_at == NOW
    with _raises("client.not_found"):
        ops.show(bk, people["shan"])
    assert ops.find(bk, "单田芳") == []
    assert people["shan"] not in [h.id for h in ops.find(bk, "2222")]
    page = ops.today(bk, DAY)
    assert [m.client_name for m in page.due] == ["张三"]
    assert (page.due_count, page.open_count) == (1, 1)
    assert ops.count_clients(bk) == len(people) - 1
    with _raises("client.not_found"):
        ops.delete_client(bk, people["shan"])


# --- show ----------------------------------------------------------------------------------------------------


def test_show_open_memos_by_due_and_timeline_newest_first(bk: Book, people: dict[str, int]) -> None:
    z = people["zhang"]
    t = [NOW + dt.timedelta(hours=h) for h in range(6)]
    late = ops.jot(bk, "下周", z, due=DAY + dt.timedelta(days=7), now=t[0]).memo.id
    undated = ops.jot(bk, "没期限", z, now=t[1]).memo.id
    soon = ops.jot(bk, "明天", z, due=DAY + dt.timedelta(days=1), now=t[2]).memo.id
    fact = ops.jot(bk, "开饭店", z, kind="fact", now=t[3]).memo.id
    closed = ops.jot(bk, "办了", z, now=t[4]).memo.id
    ops.resolve_memo(bk, closed, "好了")
    with bk.write() as session:
        session.add(Contact(client_id=z, at=NOW + dt.timedelta(hours=3, minutes=30), channel="phone",
                            outcome="reached", note="约下周来"))
    ops.jot(bk, "别人的", people["li"], now=t[5])

    card = ops.show(bk, z)
    assert [m.id for m in card.open_memos] == [soon, late, undated]  # by due, undated last
    kinds = [(i.memo.id if i.memo else "contact") for i in card.timeline]
    assert kinds == [closed, "contact", fact, soon, undated, late]
    ats = [i.at for i in card.timeline]
    assert ats == sorted(ats, reverse=True)
    contact = card.timeline[1].contact
    assert (contact.channel, contact.outcome, contact.note) == ("phone", "reached", "约下周来")
    assert card.timeline_more is False


def test_show_timeline_limit(bk: Book, people: dict[str, int]) -> None:
    for i in range(5):
        ops.jot(bk, f"第{i}条", people["zhang"], now=NOW + dt.timedelta(minutes=i))
    card = ops.show(bk, people["zhang"], timeline_limit=3)
    assert [i.memo.text for i in card.timeline] == ["第4条", "第3条", "第2条"]
    assert card.timeline_more is True


def test_show_unknown_client(bk: Book) -> None:
    with _raises("client.not_found"):
        ops.show(bk, 1)


# --- plain values ---------------------------------------------------------------------------------------------


def test_to_jsonable(bk: Book, people: dict[str, int]) -> None:
    ops.edit_client(bk, people["shan"], birthday="农历闰六月初一", client_since="2012-05-01")
    ops.jot(bk, "要美元", people["shan"], due=DAY, now=NOW)
    card = ops.show(bk, people["shan"])
    data = to_jsonable(card)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data  # plain JSON values all the way
    assert data["client_since"] == "2012-05-01"
    assert data["birthday"] == {"kind": "lunar", "month": 6, "day": 1, "year": None, "leap": True}
    assert data["open_memos"][0]["due"] == "2026-03-02"
    assert data["open_memos"][0]["created_at"] == "2026-03-02T10:00:00"
    assert data["phones"] == [{"number": "15011112222", "label": ""}]
    assert to_jsonable((DAY, [NOW])) == ["2026-03-02", ["2026-03-02T10:00:00"]]
    assert to_jsonable({"a": None, "b": 1.5}) == {"a": None, "b": 1.5}


# --- settings ---------------------------------------------------------------------------------------------------


def test_settings_round_trip_and_delete(bk: Book) -> None:
    assert ops.get_setting(bk, "jot.draft") is None
    assert ops.get_setting(bk, "jot.draft", {"who": ""}) == {"who": ""}
    draft = {"who": "138", "what": "要[bold]美元\x1b[31m", "when": "明天"}
    ops.put_setting(bk, "jot.draft", draft)
    assert ops.get_setting(bk, "jot.draft") == draft
    ops.put_setting(bk, "jot.draft", [1, 2])
    assert ops.get_setting(bk, "jot.draft") == [1, 2]
    ops.put_setting(bk, "jot.draft", None)
    assert ops.get_setting(bk, "jot.draft", "gone") == "gone"
    ops.put_setting(bk, "never.set", None)  # deleting nothing is fine
    ops.put_setting(bk, "flag", False)
    assert ops.get_setting(bk, "flag", True) is False


# --- hostile text, property-based ----------------------------------------------------------------------------------

HOSTILE_EXAMPLES = [
    "[bold]x", "[/oops]", "[link=http://x]y[/link]", "\x1b[31m红\x1b[0m", "\x1b]0;title\x07",
    "\x9b2J", "a\x00b", "\x00lead", "\r\n\t", "\u202eRTL\u202c", "😀👨‍👩‍👧", "{value}", "{0}", "%s",
    "'; DROP TABLE memo; --", "\\", "张" * 10_000,
]

# long strings (up to 10,000 characters) by repeating a short random one
long_text = st.text(min_size=1, max_size=20).map(lambda s: (s * 10_000)[:10_000])
any_text = st.text(max_size=300) | st.sampled_from(HOSTILE_EXAMPLES) | long_text


def _cli_json(argv: list[str]) -> object:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    assert code == 0, err.getvalue()
    assert err.getvalue() == ""
    return json.loads(out.getvalue())


def test_hostile_text_is_stored_exactly(tmp_path: Path) -> None:
    book = open_book(tmp_path / "book.db")
    client_id = ops.add_client(book, "张三", ["13800138000"]).id
    argv = ["show", f"#{client_id}", "--json", "--db", str(tmp_path / "book.db"), "--lang", "en"]

    @settings(max_examples=50, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(any_text)
    @example("[bold]x")
    @example("\x1b]0;title\x07")
    @example("\x00lead")
    @example("a" * 10_000)
    def check(text: str) -> None:
        expected = text.replace("\x00", "").strip()  # NUL is dropped (see ops.jot), then strip()
        if not expected:
            with pytest.raises(ops.DomainError):
                ops.jot(book, text, client_id)
            return
        memo = ops.jot(book, text, client_id).memo
        assert memo.text == expected
        card = ops.show(book, client_id, timeline_limit=1)
        assert card.timeline[0].memo.text == expected
        assert [(m.id, m.text) for m in card.open_memos] == [(memo.id, expected)]
        shown = _cli_json(argv)
        by_id = {m["id"]: m for m in shown["memos"]}
        assert by_id[memo.id]["text"] == expected
        ops.drop_memo(book, memo.id)  # keep the open list short

    try:
        check()
    finally:
        book.close()


def test_hostile_text_as_a_client_name(tmp_path: Path) -> None:
    book = open_book(tmp_path / "book.db")

    @settings(max_examples=50, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(any_text)
    @example("[/oops]")
    @example("\x1b[31m")
    @example("\u202e")
    @example("\x00")
    def check(name: str) -> None:
        try:
            card = ops.add_client(book, name, [])
        except ops.DomainError as exc:
            assert exc.code == "client.name_empty" and not name.strip()
            return
        assert card.name == name.strip()
        assert ops.show(book, card.id).name == name.strip()
        renamed = ops.edit_client(book, card.id, name=name + "x")
        assert renamed.name == (name + "x").strip()
        ops.find(book, name)  # never raises either

    try:
        check()
    finally:
        book.close()

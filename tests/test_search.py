"""The one search box: phone digits, names and pinyin, ranking, paging, and the query plans."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from memo import ops, search
from memo.db import Book, open_book
from memo.models import Client, Phone

RANK = {"phone_exact": 0, "phone_suffix": 1, "phone_prefix": 2, "phone_middle": 3}


@pytest.fixture(scope="module")
def lobby(tmp_path_factory: pytest.TempPathFactory):
    """A small book: a family number, a landline, hard surnames, latin names, a stub, a deleted one."""
    book = open_book(tmp_path_factory.mktemp("search") / "book.db")
    ids = {
        "zhang": ops.add_client(book, "张三", ["13800138000"]).id,
        "li": ops.add_client(book, "李四", ["13800138000", "13912345678"]).id,  # shares 张三's number
        "shan": ops.add_client(book, "单田芳", ["15011112222"]).id,
        "zeng": ops.add_client(book, "曾国藩", ["0371-6512 3456"]).id,  # landline
        "ouyang": ops.add_client(book, "欧阳修", ["13512349999"]).id,
        "yuchi": ops.add_client(book, "尉迟恭", ["18600001234"]).id,
        "john": ops.add_client(book, "John Smith", ["13700005555"]).id,
        "wild": ops.add_client(book, "王_五%", ["13611110000"]).id,
        "tame": ops.add_client(book, "王a五", ["13611110001"]).id,
        "slash": ops.add_client(book, "C\\D", ["13611110002"]).id,
        "zhangsanfeng": ops.add_client(book, "张三丰", ["15900000000"]).id,
        "tail": ops.add_client(book, "钱七", ["13900000086"]).id,  # last four "0086", like 0086 (+86)
    }
    ids["stub"] = ops.jot(book, "要美元现金", "13355556666").memo.client_id
    ids["gone"] = ops.add_client(book, "张已删", ["13899990000", "13800138000"]).id
    ops.delete_client(book, ids["gone"])
    yield book, ids
    book.close()


def _find(book: Book, query: str, **kw) -> list[search.Hit]:  # noqa: ANN003
    return ops.find(book, query, **kw)


def _ids(book: Book, query: str, **kw) -> list[int]:  # noqa: ANN003
    return [h.id for h in _find(book, query, **kw)]


# --- phone digits -----------------------------------------------------------------------------------


def test_last_four_digits(lobby) -> None:
    book, ids = lobby
    hits = _find(book, "2222")
    assert [(h.id, h.matched, h.matched_phone) for h in hits] == [(ids["shan"], "phone_suffix", "15011112222")]


@pytest.mark.parametrize("query", ["9", "99", "999", "49999", "2349999", "3512349999"])
def test_suffix_of_any_length(lobby, query: str) -> None:
    book, ids = lobby
    hits = _find(book, query)
    assert hits[0].id == ids["ouyang"]
    assert hits[0].matched == "phone_suffix"


def test_prefix(lobby) -> None:
    book, ids = lobby
    hits = _find(book, "1501")
    assert [(h.id, h.matched) for h in hits] == [(ids["shan"], "phone_prefix")]
    assert {h.id for h in _find(book, "136111")} == {ids["wild"], ids["tame"], ids["slash"]}


def test_middle_digits(lobby) -> None:
    book, ids = lobby
    hits = _find(book, "6512")  # inside the landline 0371 6512 3456
    assert [(h.id, h.matched) for h in hits] == [(ids["zeng"], "phone_middle")]
    assert [h.matched for h in _find(book, "011112")] == ["phone_middle"]


def test_middle_digits_need_three(lobby) -> None:
    book, _ = lobby
    plan = [m for m, _, _ in search.plan("65")]
    assert "phone_middle" not in plan
    assert "phone_middle" in [m for m, _, _ in search.plan("651")]


def test_exact_full_number(lobby) -> None:
    book, ids = lobby
    hits = _find(book, "15011112222")
    assert [(h.id, h.matched) for h in hits] == [(ids["shan"], "phone_exact")]
    assert [(h.id, h.matched) for h in _find(book, "037165123456")] == [(ids["zeng"], "phone_exact")]


@pytest.mark.parametrize("typed", [
    "１５０１１１１２２２２",  # full-width digits from a Chinese IME
    "+86 150 1111 2222",
    "+86-150-1111-2222",
    "0086 15011112222",
    "150-1111-2222",
    " 150 1111 2222 ",
])
def test_number_as_typed_in_the_box(lobby, typed: str) -> None:
    book, ids = lobby
    hits = _find(book, typed)
    assert [(h.id, h.matched) for h in hits] == [(ids["shan"], "phone_exact")]


def test_a_landline_written_after_plus_86_keeps_its_zero(lobby) -> None:
    book, ids = lobby
    for typed in ("+86 371 6512 3456", "0086 371 6512 3456", "+86 (0)371-6512-3456"):
        assert [(h.id, h.matched) for h in _find(book, typed)] == [(ids["zeng"], "phone_exact")], typed


def test_last_four_that_look_like_a_country_code(lobby) -> None:
    book, ids = lobby
    assert [(h.id, h.matched) for h in _find(book, "0086")] == [(ids["tail"], "phone_suffix")]
    assert [h.id for h in _find(book, "00000086")] == [ids["tail"]]
    assert _find(book, "86")[0].id == ids["tail"]


def test_full_width_last_four(lobby) -> None:
    book, ids = lobby
    assert _ids(book, "２２２２") == [ids["shan"]]


def test_shared_number_finds_every_client_on_it(lobby) -> None:
    book, ids = lobby
    for query in ("13800138000", "8000", "138001"):
        assert set(_ids(book, query)) == {ids["zhang"], ids["li"]}, query
    hits = _find(book, "13800138000")
    assert all(h.matched == "phone_exact" and h.matched_phone == "13800138000" for h in hits)


def test_stub_client_is_found_by_its_number(lobby) -> None:
    book, ids = lobby
    hits = _find(book, "6666")
    assert [(h.id, h.name, h.open_requests) for h in hits] == [(ids["stub"], "", 1)]


# --- names and pinyin ----------------------------------------------------------------------------------


def test_chinese_name_prefix_and_substring(lobby) -> None:
    book, ids = lobby
    assert _ids(book, "张三") == [ids["zhang"], ids["zhangsanfeng"]]
    assert set(_ids(book, "张")) == {ids["zhang"], ids["zhangsanfeng"]}
    hits = _find(book, "田芳")  # the middle of a name
    assert [(h.id, h.matched) for h in hits] == [(ids["shan"], "name")]
    assert _ids(book, "国") == [ids["zeng"]]


@pytest.mark.parametrize("query, who, matched", [
    ("stf", "shan", "initials"),
    ("st", "shan", "initials"),
    ("STF", "shan", "initials"),
    ("zgf", "zeng", "initials"),
    ("oyx", "ouyang", "initials"),
    ("ycg", "yuchi", "initials"),
    ("zhangsan", "zhang", "pinyin"),
    ("shantian", "shan", "pinyin"),
    ("shantianfang", "shan", "pinyin"),
    ("zengguo", "zeng", "pinyin"),
    ("ouyang", "ouyang", "pinyin"),
    ("yuchigong", "yuchi", "pinyin"),
    ("johnsmith", "john", "pinyin"),
    ("js", "john", "initials"),
])
def test_initials_and_pinyin(lobby, query: str, who: str, matched: str) -> None:
    book, ids = lobby
    hits = _find(book, query)
    assert hits, query
    assert (hits[0].id, hits[0].matched) == (ids[who], matched)


def test_surnames_read_as_surnames_not_everyday_words(lobby) -> None:
    book, _ = lobby
    assert _find(book, "dantianfang") == []  # 单 as dan
    assert _find(book, "cengguofan") == []  # 曾 as ceng
    assert _find(book, "weichigong") == []  # 尉迟 as wei chi


def test_latin_letter_names(lobby) -> None:
    book, ids = lobby
    assert _ids(book, "john") == [ids["john"]]
    assert _ids(book, "John Smith") == [ids["john"]]
    assert _ids(book, "Smith") == [ids["john"]]  # a word inside the name


def test_deleted_clients_never_appear(lobby) -> None:
    book, ids = lobby
    for query in ("张已删", "已删", "zys", "zhangyishan", "13899990000", "0000", "138999", "99990",
                  "13800138000", "张"):
        assert ids["gone"] not in _ids(book, query, limit=500), query


def test_no_match_is_an_empty_list(lobby) -> None:
    book, _ = lobby
    assert _find(book, "13000000000") == []
    assert _find(book, "赵钱孙") == []
    assert _find(book, "") == []
    assert _find(book, "   ") == []


# --- LIKE wildcards are literal -----------------------------------------------------------------------


def test_like_wildcards_in_the_query_are_literal(lobby) -> None:
    book, ids = lobby
    names = {"王_五%": ids["wild"], "王a五": ids["tame"], "C\\D": ids["slash"]}
    for query in ("_五", "五%", "王_", "%%", "__", "\\D", "\\%", "a_", "%", "_", "\\"):
        hits = _find(book, query)
        literal = {i for name, i in names.items() if query in name}
        assert {h.id for h in hits} <= literal, query  # never a wildcard match
        if len(query) >= 2:  # (a single character may only be looked up as a name's start)
            assert {h.id for h in hits} == literal, query
    assert _ids(book, "_五") == [ids["wild"]]  # not 王a五
    assert ids["tame"] not in _ids(book, "王_")
    assert _find(book, "%%") == [] and _find(book, "__") == []


# --- order and paging ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory):
    """One query ("138") that is a suffix of one number, a prefix of others, the middle of another."""
    book = open_book(tmp_path_factory.mktemp("ranked") / "book.db")
    ids = {
        "middle": ops.add_client(book, "甲", ["13513800000"]).id,
        "prefix": ops.add_client(book, "乙", ["13800000004"]).id,
        "suffix": ops.add_client(book, "丙", ["13900000138"]).id,
        # a family member with three numbers, all starting 138: three rows in one branch
        "family": ops.add_client(book, "丁", ["13800000001", "13800000002", "13800000003"]).id,
        "prefix2": ops.add_client(book, "戊", ["13800000005"]).id,
        # an 11-digit landline that is the prefix of a 12-digit one
        "short": ops.add_client(book, "己", ["03716512345"]).id,
        "long": ops.add_client(book, "庚", ["037165123456"]).id,
    }
    yield book, ids
    book.close()


def test_best_first_suffix_then_prefix(ranked) -> None:
    book, ids = ranked
    hits = _find(book, "138")
    matched = [h.matched for h in hits]
    assert matched[:4] == ["phone_suffix"] + ["phone_prefix"] * 3
    assert hits[0].id == ids["suffix"]
    assert {h.id for h in hits[1:4]} == {ids["prefix"], ids["family"], ids["prefix2"]}
    # the middle match, if listed at all, comes last
    assert matched[4:] in ([], ["phone_middle"])
    assert ids["middle"] not in [h.id for h in hits[:4]]


def test_middle_digits_rank_last_when_listed(ranked) -> None:
    book, ids = ranked
    hits = _find(book, "513")  # only inside 135 1380 0000
    assert [(h.id, h.matched) for h in hits] == [(ids["middle"], "phone_middle")]


def test_exact_before_prefix(ranked) -> None:
    book, ids = ranked
    hits = _find(book, "03716512345")
    assert [(h.id, h.matched) for h in hits] == [(ids["short"], "phone_exact"), (ids["long"], "phone_prefix")]


@pytest.mark.parametrize("query", ["138", "1", "0", "3", "00", "13800", "0371", "5"])
def test_ranks_never_go_backwards(ranked, query: str) -> None:
    book, _ = ranked
    ranks = [RANK[h.matched] for h in _find(book, query)]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("query", ["138", "1", "0", "3", "1380000000", "13800000"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_are_disjoint_and_add_up_to_one_big_page(ranked, query: str, size: int) -> None:
    book, _ = ranked
    whole = _ids(book, query, limit=100)
    assert len(whole) == len(set(whole))
    pages = [_ids(book, query, limit=size, offset=offset) for offset in range(0, len(whole) + size, size)]
    assert all(len(page) <= size for page in pages)
    assert [i for page in pages for i in page] == whole


def test_a_client_with_several_matching_numbers_does_not_let_a_lower_match_jump_ahead(ranked) -> None:
    book, ids = ranked
    # 丁 takes three rows of the prefix branch: the first page of two must still be all prefix
    # matches (the better-ranked suffix match first), never the middle match.
    first = _find(book, "1380000000", limit=2)
    assert [h.matched for h in first] == ["phone_prefix", "phone_prefix"]
    page = _find(book, "138", limit=3)
    assert [h.matched for h in page] == ["phone_suffix", "phone_prefix", "phone_prefix"]
    assert ids["middle"] not in [h.id for h in page]


def test_hits_carry_the_clients_phones(ranked) -> None:
    book, ids = ranked
    (hit,) = _find(book, "13800000002")
    assert hit.id == ids["family"]
    assert hit.phones == ["13800000001", "13800000002", "13800000003"]
    assert hit.matched_phone == "13800000002"


# --- hostile strings -------------------------------------------------------------------------------------


HOSTILE = [
    "'; DROP TABLE client; --", "\" OR 1=1 --", ":q", ":n", "?", "%_%", "\\%\\_", "[bold]x[/bold]",
    "[/oops]", "\x1b[31m红\x1b[0m", "\x1b]0;title\x07", "\x00", "\x00138", "\u202e8000", "😀", "𠀀",
    "\U0010ffff", "a\U0010ffff", "张\U0010ffff", "\U0010ffff\U0010ffff", "+", "+86", "0086", "86",
    "()", "-", "１", "ｚｓ", "1" * 5000, "张" * 5000, "a" * 10_000, "\t\n\r", "NULL", "ǅ", "İ", "ß",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_strings_never_raise(lobby, query: str) -> None:
    book, _ = lobby
    hits = _find(book, query)
    assert isinstance(hits, list)
    with book.engine.connect() as conn:  # and nothing was dropped
        assert conn.exec_driver_sql("SELECT count(*) FROM client").scalar_one() == 14


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
@example("\U0010ffff")
@example("%")
def test_any_query_never_raises(lobby, query: str) -> None:
    book, ids = lobby
    hits = _find(book, query, limit=5)
    assert len(hits) <= 5
    assert ids["gone"] not in [h.id for h in hits]


def test_next_key_bounds_every_extension() -> None:
    for key in ("a", "138", "张", "a\U0010ffff", "\U0010ffff", "zz\U0010ffff\U0010ffff"):
        bound = search.next_key(key)
        assert bound > key
        for tail in ("", "a", "\U0010ffff", "\U0010ffff" * 3, "张三"):
            assert key + tail < bound, (key, tail)


# --- query plans ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    """A few hundred clients and phones, written in one transaction."""
    from memo.names import name_keys

    book = open_book(tmp_path_factory.mktemp("plans") / "book.db")
    rng = random.Random(4)
    surnames, given = "张王李赵刘陈杨黄周吴单曾", "伟芳娜敏静丽强磊军洋勇艳杰涛明超"
    with book.write() as session:
        for _ in range(400):
            name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
            initials, pinyin = name_keys(name)
            client = Client(name=name, name_initials=initials, name_pinyin=pinyin)
            session.add(client)
            session.flush()
            for _ in range(rng.choice((1, 1, 2))):
                number = rng.choice("3456789").join(("1", f"{rng.randrange(10**9):09d}"))
                session.add(Phone(client_id=client.id, number=number, rev=number[::-1]))
    yield book
    book.close()


_INDEXES = ("ix_phone_rev", "ix_phone_number", "ix_client_initials", "ix_client_pinyin")


@pytest.mark.parametrize("query, branch, index", [
    ("1234", "phone_suffix", "ix_phone_rev"),
    ("8000", "phone_suffix", "ix_phone_rev"),
    ("139", "phone_prefix", "ix_phone_number"),
    ("13912345678", "phone_exact", "ix_phone_number"),
    ("zs", "initials", "ix_client_initials"),
    ("zhang", "pinyin", "ix_client_pinyin"),
    ("shantian", "pinyin", "ix_client_pinyin"),
])
def test_indexed_branches_never_scan(big: Book, query: str, branch: str, index: str) -> None:
    plans = {matched: (sql, params) for matched, sql, params in search.plan(query)}
    sql, params = plans[branch]
    with big.engine.connect() as conn:
        details = [row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql), {**params, "n": 51})]
    joined = " | ".join(details)
    assert f"USING INDEX {index}" in joined or f"USING COVERING INDEX {index}" in joined, joined
    for detail in details:
        assert not detail.startswith("SCAN"), joined
        assert not re.search(r"\bSCAN (phone|client|p|c)\b", detail), joined


def test_find_results_agree_with_a_naive_scan(big: Book) -> None:
    with big.engine.connect() as conn:
        numbers = [r[0] for r in conn.exec_driver_sql("SELECT number FROM phone")]
    for number in numbers[:40]:
        last4 = number[-4:]
        with big.engine.connect() as conn:
            naive = {r[0] for r in conn.execute(text(
                "SELECT client_id FROM phone WHERE number LIKE :q"), {"q": f"%{last4}"})}
        found = {h.id for h in ops.find(big, last4, limit=500) if h.matched == "phone_suffix"}
        assert found == naive, last4


def test_sqlalchemy_startswith_is_a_like_that_scans(big: Book) -> None:
    """Why search.py writes ranges: startswith() compiles to LIKE, which cannot use the index."""
    stmt = select(Phone.client_id).where(Phone.rev.startswith("4321"))
    sql = str(stmt.compile(dialect=sqlite.dialect()))
    assert "LIKE" in sql
    compiled = stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    with big.engine.connect() as conn:
        details = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled))]
    assert any(d.startswith("SCAN phone") for d in details), details


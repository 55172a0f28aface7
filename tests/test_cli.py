"""The `memo` command without the app: JSON shapes, references, dates, errors, languages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memo import cli, ops
from memo.db import open_book
from memo.models import Contact

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


class Run:
    def __init__(self, capsys: pytest.CaptureFixture, db: Path):
        self.capsys, self.db = capsys, db

    def __call__(self, *argv: str, db: bool = True) -> tuple[int, str, str]:
        self.capsys.readouterr()
        args = list(argv)
        if db:  # `--db` after the command's own options, or before a "--" that ends them
            at = args.index("--") if "--" in args else len(args)
            args[at:at] = ["--db", str(self.db)]
        code = cli.main(args)
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str) -> object:
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        assert err == ""
        return json.loads(out)

    def fails(self, *argv: str, db: bool = True) -> list[str]:
        code, out, err = self(*argv, db=db)
        assert code != 0
        assert out == ""
        assert "Traceback" not in err
        lines = err.splitlines()
        assert lines and lines[0].startswith("memo: "), err
        assert len(lines[0]) > len("memo: ")
        return lines


@pytest.fixture
def run(capsys: pytest.CaptureFixture, db: Path) -> Run:
    return Run(capsys, db)


@pytest.fixture
def family(run: Run) -> dict[str, int]:
    return {
        "zhang": run.json("client", "add", "--name", "张三", "--phone", "13800138000")["id"],
        "li": run.json("client", "add", "--name", "李四", "--phone", "13800138000", "--phone", "010-6552 9988",
                       "--tier", "金卡")["id"],
        "shan": run.json("client", "add", "--name", "单田芳", "--phone", "15011112222")["id"],
    }


# --- client add / set -----------------------------------------------------------------------------------------


def test_client_add_json_shape(run: Run) -> None:
    data = run.json("client", "add", "--name", "张三", "--phone", "138 0013 8000", "--phone", "+86 371 6512 3456",
                    "--birthday", "1975-08-15", "--tier", "金卡", "--honorific", "先生")
    assert isinstance(data["id"], int)
    assert data["name"] == "张三"
    assert data["phones"] == ["13800138000", "037165123456"]
    assert data["tier"] == "gold"
    assert data["honorific"] == "mr"
    assert data["birthday"] == "1975-08-15"
    assert data["memos"] == [] and data["open"] == [] and data["contacts"] == []


def test_client_add_human_output(run: Run) -> None:
    code, out, err = run("client", "add", "--name", "张三", "--phone", "13800138000", "--lang", "en")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"Saved client #\d+ 张三\n", out)


def test_client_set_fields_and_phones(run: Run, family: dict[str, int]) -> None:
    data = run.json("client", "set", "单田芳", "--tier", "私行", "--honorific", "女士", "--risk", "c4",
                    "--birthday", "农历闰六月初一", "--tags", "退休 喝茶", "--profile", "开饭店",
                    "--call-hours", "9-11", "--client-since", "2012-05-01", "--do-not-call",
                    "--add-phone", "0371-6512 3456", "--name", "单田芳芳")
    assert data["id"] == family["shan"]
    assert (data["name"], data["tier"], data["honorific"], data["risk"]) == ("单田芳芳", "private", "ms", "C4")
    assert data["birthday"] == "L*06-01"
    assert data["tags"] == ["喝茶", "退休"]
    assert (data["profile"], data["call_hours"], data["client_since"]) == ("开饭店", "9-11", "2012-05-01")
    assert data["do_not_call"] is True
    assert data["phones"] == ["15011112222", "037165123456"]
    data = run.json("client", "set", f"#{family['shan']}", "--may-call", "--remove-phone", "150 1111 2222")
    assert data["do_not_call"] is False
    assert data["phones"] == ["037165123456"]
    assert [h["id"] for h in run.json("find", "stff")] == [family["shan"]]  # keys follow the new name
    assert [h["id"] for h in run.json("find", "shantianfangfang")] == [family["shan"]]


def test_client_set_bad_value(run: Run, family: dict[str, int]) -> None:
    lines = run.fails("client", "set", "单田芳", "--tier", "黑卡", "--lang", "en")
    assert lines == ["memo: No tier “黑卡” (choose: regular gold platinum diamond private)"]
    lines = run.fails("client", "set", "单田芳", "--add-phone", "138001380001", "--lang", "en")
    assert len(lines) == 1 and "138001380001" in lines[0]


def test_client_set_is_all_or_nothing(run: Run, family: dict[str, int]) -> None:
    before = run.json("show", "单田芳")
    # a good tier and a good number, then a bad number: nothing may be saved
    lines = run.fails("client", "set", "单田芳", "--tier", "私行", "--add-phone", "13900000001",
                      "--add-phone", "1390000", "--lang", "en")
    assert lines == ["memo: “1390000” is not a phone number: wrong number of digits"]
    lines = run.fails("client", "set", "单田芳", "--tier", "私行", "--add-phone", "13900000001",
                      "--add-phone", "150 1111 2222", "--lang", "en")  # already hers
    assert lines == ["memo: This client already has 15011112222"]
    lines = run.fails("client", "set", "单田芳", "--profile", "x", "--remove-phone", "13800138000", "--lang", "en")
    assert lines == ["memo: This client has no number 13800138000"]
    assert run.json("show", "单田芳") == before
    # the corrected command then goes through in full
    after = run.json("client", "set", "单田芳", "--tier", "私行", "--add-phone", "13900000001",
                     "--add-phone", "13900000002", "--remove-phone", "13900000001")
    assert after["tier"] == "private"
    assert after["phones"] == ["15011112222", "13900000002"]


def test_birthday_as_shown_reads_back(run: Run, family: dict[str, int]) -> None:
    for typed in ("农历1975年闰六月初一", "农历八月十五", "1975-08-15", "02-29", "lunar 1980-12-30"):
        shown = run.json("client", "set", "张三", "--birthday", typed)["birthday"]
        again = run.json("client", "set", "张三", "--birthday", shown)["birthday"]
        assert again == shown, typed
    assert run.json("client", "set", "张三", "--birthday", "L*1975-06-01")["birthday"] == "L*1975-06-01"


# --- jot ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref, who", [
    ("15011112222", "shan"), ("150-1111-2222", "shan"), ("2222", "shan"), ("单田芳", "shan"), ("stf", "shan"),
    ("#3", "shan"), ("9988", "li"), ("张三", "zhang"),
])
def test_jot_by_phone_name_or_id(run: Run, family: dict[str, int], ref: str, who: str) -> None:
    data = run.json("jot", "要两万美元现金", "--client", ref)
    assert data["client_id"] == family[who]
    assert data["created_client"] is False
    assert (data["text"], data["kind"], data["status"], data["due"]) == ("要两万美元现金", "request", "open", None)


@pytest.mark.parametrize("phrase, due", [
    ("明天", "2026-03-03"), ("后天", "2026-03-04"), ("下周一", "2026-03-09"), ("3天后", "2026-03-05"),
    ("tomorrow", "2026-03-03"), ("in 3 days", "2026-03-05"), ("12/5", "2026-12-05"), ("12月5日", "2026-12-05"),
    ("2026-12-05", "2026-12-05"),
])
def test_jot_due_phrases_relative_to_date(run: Run, family: dict[str, int], phrase: str, due: str) -> None:
    data = run.json("jot", "回电", "--client", "张三", "--due", phrase, "--date", "2026-03-02", "--kind", "callback")
    assert data["due"] == due
    assert data["kind"] == "callback"
    assert data["created_at"].startswith("2026-03-02T")


def test_jot_kinds(run: Run, family: dict[str, int]) -> None:
    for kind in ("request", "fact", "callback"):
        assert run.json("jot", "x", "--client", "张三", "--kind", kind)["kind"] == kind


def test_jot_unknown_phone_makes_a_stub(run: Run, family: dict[str, int]) -> None:
    data = run.json("jot", "要美元", "--client", "133 5555 6666")
    assert data["created_client"] is True
    assert data["client_name"] == "" and data["phones"] == ["13355556666"]
    card = run.json("show", "13355556666")
    assert card["id"] == data["client_id"] and card["name"] == ""
    assert [m["text"] for m in card["memos"]] == ["要美元"]


def test_jot_without_client(run: Run) -> None:
    data = run.json("jot", "记得补打印纸")
    assert data["client_id"] is None and data["created_client"] is False


def test_jot_human_output(run: Run, family: dict[str, int]) -> None:
    code, out, err = run("jot", "要美元", "--client", "张三", "--lang", "zh")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"已记下 #\d+：要美元\n", out)


# --- find / show ---------------------------------------------------------------------------------------------------


def test_find_json(run: Run, family: dict[str, int]) -> None:
    hits = run.json("find", "8000")
    assert [h["id"] for h in hits] == [family["zhang"], family["li"]]
    for hit in hits:
        assert {"id", "name", "phones", "matched"} <= set(hit)
        assert hit["matched"] == "phone_suffix"
    assert hits[1]["phones"] == ["13800138000", "01065529988"]
    (hit,) = run.json("find", "zs")
    assert (hit["id"], hit["name"], hit["matched"]) == (family["zhang"], "张三", "initials")
    assert run.json("find", "赵钱孙") == []


def test_find_human(run: Run, family: dict[str, int]) -> None:
    code, out, _ = run("find", "9988", "--lang", "en")
    assert code == 0
    assert out == f"#{family['li']}  李四  Gold  138 0013 8000, 010-6552 9988\n"
    code, out, _ = run("find", "赵钱孙", "--lang", "en")
    assert (code, out) == (0, "Nothing found\n")


def test_show_json(run: Run, family: dict[str, int]) -> None:
    a = run.json("jot", "要美元", "--client", "张三", "--due", "2026-03-05")["id"]
    b = run.json("jot", "开饭店", "--client", "张三", "--kind", "fact")["id"]
    card = run.json("show", "张三")
    assert {"id", "name", "phones", "memos"} <= set(card)
    assert (card["id"], card["name"], card["phones"]) == (family["zhang"], "张三", ["13800138000"])
    memos = {m["id"]: m for m in card["memos"]}
    assert set(memos) == {a, b}
    for memo in memos.values():
        assert {"id", "text", "kind", "status", "due"} <= set(memo)
    assert (memos[a]["text"], memos[a]["kind"], memos[a]["status"], memos[a]["due"]) == \
        ("要美元", "request", "open", "2026-03-05")
    assert (memos[b]["kind"], memos[b]["due"]) == ("fact", None)
    assert card["open"] == [a]


def test_show_human_lists_open_memos_and_contacts(run: Run, db: Path, family: dict[str, int]) -> None:
    run.json("jot", "要美元", "--client", "张三", "--due", "2026-03-05")
    book = open_book(db)
    with book.write() as session:
        session.add(Contact(client_id=family["zhang"], channel="phone", outcome="reached", note="约下周来"))
    book.close()
    code, out, err = run("show", "张三", "--lang", "zh")
    assert (code, err) == (0, "")
    assert out.startswith(f"#{family['zhang']}  张三  普通\n")
    assert "☎ 138 0013 8000" in out
    assert "未办事项:" in out and "要美元" in out and "期限 2026-03-05" in out
    assert "电话 · 已联系上" in out and "约下周来" in out


# --- resolve / drop / today ----------------------------------------------------------------------------------------------


def test_resolve_and_drop(run: Run, family: dict[str, int]) -> None:
    a = run.json("jot", "兑换新钞", "--client", "张三")["id"]
    b = run.json("jot", "要美元", "--client", "张三")["id"]
    done = run.json("resolve", str(a), "--note", "已兑换")
    assert (done["id"], done["status"], done["resolution"]) == (a, "done", "已兑换")
    code, out, err = run("drop", str(b), "--lang", "en")
    assert (code, out, err) == (0, f"Dropped #{b}\n", "")
    assert run.json("show", "张三")["open"] == []
    lines = run.fails("resolve", str(a), "--lang", "en")
    assert lines == [f"memo: Memo #{a} is already closed"]


def test_today(run: Run, family: dict[str, int]) -> None:
    """The foundation's part of the list: open requests and callbacks due by the day (the whole
    today list and its JSON contract: tests/test_cli_today.py)."""
    run.json("jot", "逾期的", "--client", "张三", "--due", "2026-03-01")
    run.json("jot", "今天的", "--client", "单田芳", "--due", "2026-03-02", "--kind", "callback")
    run.json("jot", "明天的", "--client", "张三", "--due", "2026-03-03")
    run.json("jot", "信息", "--client", "张三", "--kind", "fact", "--due", "2026-03-01")
    rows = run.json("today", "--date", "2026-03-02")
    assert [(r["client_id"], [x["kind"] for x in r["reasons"]]) for r in rows] == [
        (family["shan"], ["callback"]), (family["zhang"], ["request"])]  # ranked: a callback weighs more
    assert rows[1]["name"] == "张三" and rows[1]["reasons"][0]["date"] == "2026-03-01"
    code, out, _ = run("today", "--date", "2026-03-02", "--lang", "en")
    lines = out.splitlines()
    assert lines[:3] == ["Today 2026-03-02 Monday", "request 1 · callback 1",
                         "2 to call · 0 done · 0 snoozed · 0 do not call"]
    assert f"#{family['zhang']}  张三  138 0013 8000  Regular" in out
    assert "       request: 逾期的 (due 2026-03-01) (1d overdue)" in lines
    assert "       callback: promised callback: 今天的" in lines  # a callback says so on the printed list


# --- MEMO_DB ------------------------------------------------------------------------------------------------------------


def test_memo_db_variable(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env" / "book.db"
    monkeypatch.setenv("MEMO_DB", str(target))
    code, out, err = run("client", "add", "--name", "王芳", "--phone", "13600000001", "--json", db=False)
    assert code == 0, err
    assert target.is_file()
    code, out, _ = run("find", "wf", "--json", db=False)
    assert [h["name"] for h in json.loads(out)] == ["王芳"]
    assert not run.db.exists()  # --db was never given


# --- errors ----------------------------------------------------------------------------------------------------------------


def test_error_bad_phone(run: Run) -> None:
    lines = run.fails("client", "add", "--name", "张三", "--phone", "12345", "--lang", "en")
    assert lines == ["memo: “12345” is not a phone number: wrong number of digits"]


def test_error_bad_due_phrase(run: Run, family: dict[str, int]) -> None:
    lines = run.fails("jot", "x", "--client", "张三", "--due", "找个时间", "--lang", "en")
    assert len(lines) == 1 and "找个时间" in lines[0]
    assert run.json("show", "张三")["memos"] == []  # nothing was written


def test_error_ambiguous_client_lists_the_candidates(run: Run, family: dict[str, int]) -> None:
    lines = run.fails("jot", "x", "--client", "8000", "--lang", "en")
    assert lines[0] == "memo: “8000” matches several clients; say which one:"
    assert len(lines) == 3
    assert lines[1].startswith(f"  #{family['zhang']}  张三")
    assert lines[2].startswith(f"  #{family['li']}  李四")
    assert "138 0013 8000" in lines[1]


def test_error_unknown_client(run: Run, family: dict[str, int]) -> None:
    assert run.fails("jot", "x", "--client", "王五", "--lang", "en") == ["memo: No client “王五”"]
    assert run.fails("show", "#99", "--lang", "en") == ["memo: No client “#99”"]


def test_error_unknown_memo(run: Run, family: dict[str, int]) -> None:
    assert run.fails("resolve", "99", "--lang", "en") == ["memo: No memo #99"]
    assert run.fails("drop", "99", "--lang", "zh") == ["memo: 找不到记录 #99"]


def test_error_unreadable_book(run: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not a database " * 100)
    lines = run.fails("find", "x", "--db", str(junk), "--lang", "en", db=False)
    assert len(lines) == 1 and lines[0].startswith("memo: Can't open the book: ")
    lines = run.fails("find", "x", "--db", str(tmp_path), "--lang", "en", db=False)
    assert lines == [f"memo: “{tmp_path}” is a folder, not a book file"]
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    lines = run.fails("show", "1", "--db", str(other), "--lang", "en", db=False)
    assert len(lines) == 1 and "not a Lobby Memo book" in lines[0]


def test_language_switch(run: Run, family: dict[str, int]) -> None:
    assert run.fails("jot", "x", "--client", "王五", "--lang", "zh") == ["memo: 找不到客户「王五」"]
    assert run.fails("jot", "x", "--client", "王五", "--lang", "en") == ["memo: No client “王五”"]
    code, out, _ = run("today", "--date", "2026-03-02", "--lang", "zh")
    assert out.splitlines()[0] == "今日 2026-03-02 星期一"


def test_language_from_environment(run: Run, family: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run.fails("jot", "x", "--client", "王五") == ["memo: 找不到客户「王五」"]
    monkeypatch.setenv("MEMO_LANG", "en")
    assert run.fails("jot", "x", "--client", "王五") == ["memo: No client “王五”"]


# --- a reader that goes away ---------------------------------------------------------------------------------------------


class _GonePipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_broken_pipe_ends_quietly_in_process(db: Path, family: dict[str, int], monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", _GonePipe())
    code = cli.main(["find", "8000", "--db", str(db)])
    monkeypatch.undo()
    assert code != 0
    assert capsys.readouterr().err == ""


def test_broken_pipe_ends_quietly(db: Path, family: dict[str, int]) -> None:
    """`memo today | head -1`: the reader leaves; no traceback, no "Exception ignored"."""
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "memo", "find", "1", "--json", "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()  # nobody reads: the first write meets a closed pipe
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.wait(timeout=60) != 0
        assert err == ""


# --- hostile text in human output -----------------------------------------------------------------------------------------

HOSTILE = "\x1b[31m红\x1b[0m\x1b]0;pwned\x07\x9b2J\r\x00\x7f\x08[bold]x[/oops]\u202e"


def _assert_clean(text: str) -> None:
    assert "\x1b" not in text
    assert not CONTROL.search(text), repr(CONTROL.search(text).group())


def test_hostile_text_never_reaches_the_terminal_raw(run: Run, db: Path) -> None:
    outputs: list[str] = []

    def keep(*argv: str) -> None:
        code, out, err = run(*argv)
        outputs.extend([out, err])

    keep("client", "add", "--name", HOSTILE, "--phone", "13800138000")
    keep("client", "add", "--name", "李" + HOSTILE, "--phone", "13800138000")
    keep("client", "set", "#1", "--profile", HOSTILE, "--call-hours", HOSTILE)
    keep("jot", HOSTILE, "--client", "#1", "--due", "2026-03-01")
    keep("jot", "line1\nline2\r\nline3\x1b[2J", "--client", "#1")
    book = open_book(db)
    ops.add_phone(book, 1, "010-6552 9988", label=HOSTILE)
    with book.write() as session:
        session.add(Contact(client_id=1, channel="visit", outcome="reached", note=HOSTILE, new_info=HOSTILE))
    book.close()
    keep("show", "#1")
    keep("show", "#1", "--lang", "zh")
    keep("find", "8000")
    keep("find", "13800138000")
    keep("today", "--date", "2026-03-02")
    keep("jot", "x", "--client", "8000")  # ambiguous: candidates with hostile names on stderr
    keep("jot", "x", "--client", HOSTILE)  # unknown client named in the error
    keep("jot", "x", "--client", "#1", "--due", HOSTILE)  # a bad due phrase quoted in the error
    keep("resolve", "1", "--note", HOSTILE)
    keep("resolve", "1")  # already closed
    joined = "".join(outputs)
    assert "红" in joined and "[bold]x[/oops]" in joined  # the text is shown, as text
    assert "␛" in joined  # ESC drawn as its control picture
    for text in outputs:
        _assert_clean(text.replace("\n", "").replace("\t", ""))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80))
def test_any_jotted_text_shows_without_control_characters(run: Run, text: str) -> None:
    code, out, err = run("jot", "--client", "13800138000", "--", text)
    if code != 0:  # only an empty memo is refused
        assert not text.replace("\x00", "").strip()
        _assert_clean(err.replace("\n", ""))
        return
    _assert_clean(out.replace("\n", ""))
    code, out, err = run("show", "13800138000")
    assert code == 0, err
    _assert_clean(out.replace("\n", ""))


def test_privacy_default_is_a_setting_the_app_reads(tmp_path, capsys) -> None:
    from memo import ops
    from memo.app import MemoApp
    from memo.cli import main
    from memo.db import open_book

    path = tmp_path / "p.db"
    assert main(["privacy", "on", "--db", str(path), "--lang", "en"]) == 0
    assert "Privacy mode on" in capsys.readouterr().out
    book = open_book(path)
    assert ops.get_setting(book, "privacy_default") is True
    assert MemoApp(book).privacy is True
    book.close()
    assert main(["privacy", "off", "--db", str(path)]) == 0
    book = open_book(path)
    assert MemoApp(book).privacy is False
    book.close()


def test_every_json_output_escapes_del_and_c1(capsys) -> None:
    """json.dumps leaves DEL and C1 (\\x9b: CSI to many terminals) raw: the one printer every
    command's --json goes through escapes them, the text unchanged when read back."""
    import argparse
    import json

    from memo import cli

    data = {"name": "红\x9b31m\x7f\u2028", "rows": [{"memo": "\x85x"}]}
    cli._emit(argparse.Namespace(json=True), data, ["never printed"])
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x7f\x85\x9b\u2028") and json.loads(out) == data
    rows = [{"memo": "\x9b2J"}, {"name": "红"}]  # a list: one item a line, escaped the same
    out = cli.dump_json(rows)
    assert out.splitlines() == ["[", '  {"memo": "\\u009b2J"},', '  {"name": "红"}', "]"] and json.loads(out) == rows


def test_json_writes_dataclasses_and_dates_as_to_jsonable_makes_them() -> None:
    import dataclasses
    import datetime as dt
    import json

    from memo import cli
    from memo.codes import to_jsonable

    @dataclasses.dataclass
    class Inner:
        on: dt.date
        at: dt.datetime

    @dataclasses.dataclass
    class Outer:
        name: str
        inner: Inner
        items: tuple

    value = Outer("张三", Inner(dt.date(2026, 11, 29), dt.datetime(2026, 11, 29, 9, 30)), (1, dt.date(2026, 12, 1)))
    for data in (value, [value, value], {"x": [value]}, []):
        assert json.loads(cli.dump_json(data)) == to_jsonable(data)
        assert json.loads(cli.dump_json(data, indent=None)) == to_jsonable(data)
    with pytest.raises(TypeError, match="set is not JSON"):
        cli.dump_json({"x": {1}})


def test_show_says_a_client_is_snoozed(run: Run, db: Path, family: dict[str, int]) -> None:
    from memo import calls

    book = open_book(db)
    calls.snooze(book, family["zhang"], dt.date(2026, 12, 3), note="出差\x1b[31m", on=dt.date(2026, 11, 29))
    book.close()
    code, out, err = run("show", "张三", "--date", "2026-11-30")
    assert (code, err) == (0, "") and "  Snoozed until 2026-12-03: 出差␛[31m\n" in out  # the note as text
    assert run.json("show", "张三", "--date", "2026-11-30")["snoozed"] == {"until": "2026-12-03", "note": "出差\x1b[31m"}
    code, out, err = run("show", "张三", "--date", "2026-12-03")  # back on the list that day
    assert "Snoozed" not in out and run.json("show", "张三", "--date", "2026-12-03")["snoozed"] is None

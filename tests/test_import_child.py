"""A big import's writer in a child process: the same book as written here, all or nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from memo import importer, ops
from memo.db import Book, open_book
from tests.test_import import TODAY, q, write_csv

NOW = dt.datetime(2026, 1, 1, 9)
HEAD = ["姓名", "手机号码", "证件号码", "生日", "客户等级", "金额", "起息日", "存期", "到期日", "年利率", "产品名称"]


def _rows() -> list[list[str]]:
    rows = []
    for i in range(40):
        rows.append([f"客户{i}", f"1380000{i:04d}", f"11010119900101{i:04d}", f"1980-01-{1 + i % 28:02d}",
                     ["普通", "金卡"][i % 2], f"{i + 1}万", "2024-01-31", ["1年", "6个月"][i % 2], "", "1.45", "整存整取"])
    rows += [
        ["", "13900000001", "", "", "", "", "", "", "", "", ""],  # a client known by a number only...
        ["赵六", "13900000002", "", "", "", "", "", "", "", "", ""],  # (both sent before the next row)
        ["王五", "13900000001", "", "", "白金", "", "", "", "", "", ""],  # ...named later: a sent row updated
        ["客户3", "13800000003", "", "", "", "4万", "2024-01-31", "6个月", "2024-08-05", "2.00", "大额存单"],  # changed
        ["客户5", "13800000005", "", "", "", "7万", "2025-03-01", "1年", "", "", ""],  # a second deposit
        ["客户6", "1.38E+10", "", "", "", "", "", "", "", "", ""],  # a row error
        ["", "", "", "", "", "1万", "2024-01-01", "1年", "", "", ""],  # no client: a row error
    ]
    return rows


def _tables(book) -> dict[str, list]:  # noqa: ANN001
    return {t: q(book, f"SELECT * FROM {t} ORDER BY id") for t in ("client", "phone", "deposit")}


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Every file goes to a child writer, which is sent rows every two rows."""
    spawned: list[importer._ChildWriter] = []
    real = importer._ChildWriter.__init__

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        real(self, *args, **kwargs)
        spawned.append(self)

    monkeypatch.setattr(importer._ChildWriter, "__init__", spy)
    real_finish = importer._ChildWriter.finish

    def finish(self, tables, updates):  # noqa: ANN001, ANN202
        self.updates = {**getattr(self, "updates", {}), **updates}
        real_finish(self, tables, updates)

    monkeypatch.setattr(importer._ChildWriter, "finish", finish)
    for name, value in (("CHILD_BYTES", 0), ("CHILD_ROWS", 1), ("SEND_EVERY", 2), ("BULK_ROWS", 3)):
        monkeypatch.setattr(importer, name, value)
    return spawned


def _reference(tmp_path: Path, path: Path, setup=None) -> tuple[dict, dict]:  # noqa: ANN001
    """The book and report written here (no child)."""
    book = open_book(tmp_path / "reference.db")
    bytes_, importer.CHILD_BYTES = importer.CHILD_BYTES, 1 << 40
    try:
        if setup:
            setup(book)
        report = importer.run_import(book, path, today=TODAY, now=NOW)
        return _tables(book), report.to_json()
    finally:
        importer.CHILD_BYTES = bytes_
        book.close()


@contextmanager
def _imported_as_here(tmp_path: Path, setup=None) -> Iterator[tuple[Book, importer.ImportReport]]:  # noqa: ANN001
    """The file of _rows() imported into a new book, which must come out as the book and report
    written here (no child); yields (book, report)."""
    path = write_csv(tmp_path / "in.csv", [HEAD, *_rows()])
    want_tables, want_report = _reference(tmp_path, path, setup)
    book = open_book(tmp_path / "book.db")
    try:
        if setup:
            setup(book)
        report = importer.run_import(book, path, today=TODAY, now=NOW)
        assert report.applied and report.to_json() == want_report and _tables(book) == want_tables
        yield book, report
    finally:
        book.close()


def _known(book) -> None:  # noqa: ANN001
    ops.add_client(book, "客户1", ["13800000001"])  # the file's row merges into this one
    ops.add_client(book, "老客户", ["13700000000"])
    with sqlite3.connect(book.path) as conn:  # the same stamps in both books
        for table in ("client", "phone"):
            conn.execute(f"UPDATE {table} SET created_at = '2025-01-01 00:00:00.000000'")
        conn.execute("UPDATE client SET updated_at = '2025-01-01 00:00:00.000000'")


@pytest.mark.parametrize("setup", [None, _known], ids=["new book", "known clients"])
def test_a_child_writes_the_book_written_here(tmp_path: Path, in_child: list, setup) -> None:  # noqa: ANN001
    with _imported_as_here(tmp_path, setup) as (book, report):
        assert len(in_child) == 1 and in_child[0].finished and in_child[0].proc.returncode == 0
        assert len(report.errors) == 2 and report.created > 40
        assert q(book, "SELECT name, name_pinyin, tier FROM client WHERE name = '王五'") == [("王五", "wangwu", "platinum")]
        assert q(book, "SELECT rate, maturity, note FROM deposit WHERE client_id = "
                       "(SELECT id FROM client WHERE name = '客户3')") == [("2.00", "2024-08-05", "大额存单")]
        assert q(book, "PRAGMA integrity_check") == [("ok",)]
        # rows the child had been sent before a later row changed them: written again, as updates
        [(stub, changes)] = [(k, v) for k, v in in_child[0].updates["client"].items() if "name" in v]
        assert changes["name"] == "王五" and q(book, "SELECT name FROM client WHERE id = :i", i=stub) == [("王五",)]
        assert any(v.get("rate") == "2.00" for v in in_child[0].updates["deposit"].values())
        assert importer.run_import(book, tmp_path / "in.csv", today=TODAY).created == 0


def test_the_indexes_are_made_again(tmp_path: Path, in_child: list) -> None:
    book = open_book(tmp_path / "book.db")
    try:
        before = q(book, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), today=TODAY)
        assert in_child and q(book, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name") == before
    finally:
        book.close()


def test_strict_with_a_bad_row_writes_nothing(tmp_path: Path, in_child: list) -> None:
    book = open_book(tmp_path / "book.db")
    try:
        report = importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), strict=True,
                                     today=TODAY)
        assert in_child and not report.applied and len(report.errors) == 2
        assert [len(rows) for rows in _tables(book).values()] == [0, 0, 0]
        assert in_child[0].proc.returncode != 0  # stopped, its transaction rolled back
        ops.add_client(book, "之后", ["13600000000"])  # and the book takes a write again
    finally:
        book.close()


def test_a_childs_sqlite_error_is_raised_here_and_nothing_stays(tmp_path: Path, in_child: list,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "_deposit_kind", lambda product: "bogus")  # a planner gone wrong
    book = open_book(tmp_path / "book.db")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed: deposit"):
            importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), today=TODAY)
        assert in_child and [len(rows) for rows in _tables(book).values()] == [0, 0, 0]
    finally:
        book.close()


def test_a_failure_while_planning_stops_the_child(tmp_path: Path, in_child: list,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, cid, v):  # noqa: ANN001, ANN202
        raise RuntimeError("planner broke")

    monkeypatch.setattr(importer._Planner, "apply_deposit", broken)  # the clients are written by then
    book = open_book(tmp_path / "book.db")
    try:
        with pytest.raises(RuntimeError, match="planner broke"):
            importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), today=TODAY)
        [child] = in_child
        assert child.proc.returncode is not None and not child.finished
        assert [len(rows) for rows in _tables(book).values()] == [0, 0, 0]  # the rows it was sent: rolled back
        ops.add_client(book, "之后", ["13600000000"])
    finally:
        book.close()


@pytest.mark.parametrize("command", [["/nonexistent/python"], [sys.executable, "-c", "pass"]],
                         ids=["no child", "a child that ends at once"])
def test_without_a_working_child_the_rows_are_written_here(tmp_path: Path, in_child: list,
                                                         monkeypatch: pytest.MonkeyPatch, command: list) -> None:
    monkeypatch.setattr(importer, "_child_command", lambda: command)
    with _imported_as_here(tmp_path):
        assert len(in_child) == (command[0] == sys.executable)


def test_a_child_gone_midway_leaves_the_writing_here(tmp_path: Path, in_child: list,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real = importer._Planner.apply_client

    def kill_the_child(self, v):  # noqa: ANN001, ANN202
        if self.writer is not None and self.writer.proc.poll() is None:
            self.writer.proc.kill()  # after rows were sent: its transaction rolls back
            self.writer.proc.wait()
        return real(self, v)

    monkeypatch.setattr(importer._Planner, "apply_client", kill_the_child)  # the reference has no writer
    with _imported_as_here(tmp_path):
        [child] = in_child
        assert not child.finished and child.failed


def test_rows_for_known_clients_only_keep_every_index(tmp_path: Path, in_child: list) -> None:
    """A file whose clients are all in the book: nothing is sent before the deposits, which alone
    lose their indexes for the while; every index is there after, and the next import reads them."""
    rows = _rows()[:40]
    book = open_book(tmp_path / "book.db")
    try:
        importer.run_import(book, write_csv(tmp_path / "clients.csv", [HEAD[:5], *(r[:5] for r in rows)]),
                            today=TODAY)
        before = q(book, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        report = importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *rows]), today=TODAY)
        assert len(in_child) == 2 and report.created == 40 and in_child[1].finished
        assert q(book, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name") == before
        assert q(book, "PRAGMA integrity_check") == [("ok",)] and q(book, "SELECT count(*) FROM deposit") == [(40,)]
        assert importer.run_import(book, tmp_path / "in.csv", today=TODAY).unchanged == 40
    finally:
        book.close()


@pytest.mark.parametrize("child", [True, False], ids=["child", "here"])
def test_updates_are_held_to_the_checks(tmp_path: Path, in_child: list, monkeypatch: pytest.MonkeyPatch,
                                        child: bool) -> None:
    rows = _rows()[:40]
    book = open_book(tmp_path / "book.db")
    try:
        importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *rows]), today=TODAY)
        if not child:
            monkeypatch.setattr(importer, "CHILD_BYTES", 1 << 40)
        real = importer.parse_tier
        monkeypatch.setattr(importer, "parse_tier", lambda cell: "bogus" if cell == "金卡" else real(cell))
        before = _tables(book)
        new_ones = [[f"新客户{i}", f"1360000{i:04d}", "", "", "", "1万", "2024-01-01", "1年", "", "", ""]
                    for i in range(5)]  # inserted (unchecked, then held to the checks) beside the updates
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # a 金卡 client's tier "changes"
            importer.run_import(book, write_csv(tmp_path / "more.csv", [HEAD, *rows, *new_ones]), today=TODAY)
        assert _tables(book) == before
    finally:
        book.close()


def test_a_small_file_is_written_here(tmp_path: Path, in_child: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHILD_ROWS", 1000)  # a big file by its bytes, not by its rows
    book = open_book(tmp_path / "book.db")
    try:
        report = importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), today=TODAY)
        assert report.applied and report.created > 40
        [child] = in_child
        assert not child.finished and child.proc.returncode is not None  # started as it was read; stopped
    finally:
        book.close()


def test_the_commit_hooks_run_before_and_after_the_childs_commit(tmp_path: Path, in_child: list) -> None:
    """The app counts a commit its hooks saw as its own (no "changed elsewhere"): the child's
    commit comes a while after the rows are sent, so the hooks run on both sides of it."""
    book = open_book(tmp_path / "book.db")
    seen: list[int] = []

    def count() -> None:
        with sqlite3.connect(book.path) as conn:
            seen.append(conn.execute("SELECT count(*) FROM client").fetchone()[0])

    book.commit_hooks.append(count)
    try:
        importer.run_import(book, write_csv(tmp_path / "in.csv", [HEAD, *_rows()]), today=TODAY)
        assert in_child and seen == [0, q(book, "SELECT count(*) FROM client")[0][0]] and seen[1] > 40
    finally:
        book.close()


def test_a_child_with_few_new_rows_keeps_the_indexes(tmp_path: Path, in_child: list,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Below BULK_ROWS new rows the child writes them at the end, into the indexes as they are."""
    monkeypatch.setattr(importer, "BULK_ROWS", 1_000_000)
    sent: list[bool] = []  # the child is told whether to drop the indexes with each batch
    real_insert = importer._ChildWriter.insert
    monkeypatch.setattr(importer._ChildWriter, "insert",
                        lambda self, table, rows, bulk: sent.append(bulk) or real_insert(self, table, rows, bulk))
    with _imported_as_here(tmp_path) as (book, _):
        assert in_child and in_child[0].finished and sent and not any(sent)
        assert q(book, "PRAGMA integrity_check") == [("ok",)]

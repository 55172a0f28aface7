"""Shared fixtures: books in temp files, a fixed clock, and no network for anything."""

from __future__ import annotations

import datetime as dt
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from memo import calls, i18n, ops
from memo.db import Book, open_book

TODAY = dt.date(2026, 11, 29)  # a Sunday
T0 = dt.datetime(2026, 11, 20, 9, 30)


class NetworkBlocked(RuntimeError):
    pass


def _refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003
    raise NetworkBlocked("a test tried to use the network")


def _guard_connect(original: Callable) -> Callable:
    def connect(self: socket.socket, address, *args):  # noqa: ANN001, ANN002
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise NetworkBlocked(f"a test tried to connect to {address!r}")
        return original(self, address, *args)

    return connect


def pytest_configure(config: pytest.Config) -> None:
    # The app makes no network connection, ever: every test runs with IP sockets refused.
    socket.socket.connect = _guard_connect(socket.socket.connect)
    socket.socket.connect_ex = _guard_connect(socket.socket.connect_ex)
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


@pytest.fixture(autouse=True)
def _keep_language():
    """The CLI and the app set the process's language; each test gets the one it started with."""
    lang = i18n.get_lang()
    yield
    i18n.set_lang(lang)


@pytest.fixture(autouse=True)
def _steady_cursors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot is taken whenever the machine gets to it: text cursors must not blink meanwhile.

    Focus shows the cursor; the half-second blink timer would hide it in some pictures only.
    """
    if "snap_compare" in request.fixturenames:
        from textual.widgets import Input, TextArea

        monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
        monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def book(tmp_path: Path) -> Book:
    book = open_book(tmp_path / "book.db")
    yield book
    book.close()


def at(days: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hour - 9, minutes=minute - 30)


def fill_sample(book: Book) -> dict[str, int]:
    """A small book with known contents and fixed timestamps, for stories and snapshots."""
    ids = {}
    zhang = ops.add_client(book, "张三", ["13800138000"], honorific="先生", tier="金卡",
                           birthday="1966-11-29", now=at(0))
    ops.edit_client(book, zhang.id, tags="个体户 退休", profile="儿子在深圳工作；喜欢喝茶",
                    call_hours="9-11点", client_since="2012-05-01", risk="C3", now=at(0))
    ids["zhang"] = zhang.id
    li = ops.add_client(book, "李四", ["13912345678", "037165123456"], honorific="先生",
                        tier="私行", now=at(0, 10))
    ids["li"] = li.id
    wang = ops.add_client(book, "王芳", ["13912345678"], honorific="女士", tier="白金",
                          birthday="农历八月十五", now=at(0, 11))
    ids["wang"] = wang.id
    ouyang = ops.add_client(book, "欧阳娜娜", ["15000008000"], honorific="女士", now=at(1))
    ids["ouyang"] = ouyang.id
    ids["usd"] = ops.jot(book, "要2万美元现金", zhang.id, due=TODAY - dt.timedelta(days=3), now=at(2)).memo.id
    ids["fund"] = ops.jot(book, "想买的理财产品售罄，到货通知她", wang.id, due=TODAY, now=at(3)).memo.id
    ids["callback"] = ops.jot(book, "理财经理回电", li.id, due=TODAY, kind="callback", now=at(4)).memo.id
    ids["later"] = ops.jot(book, "开存款证明", zhang.id, due=TODAY + dt.timedelta(days=5), now=at(5)).memo.id
    ids["fact"] = ops.jot(book, "下个月开饭店", zhang.id, kind="fact", now=at(6)).memo.id
    ids["done"] = ops.jot(book, "兑换新钞", zhang.id, now=at(1)).memo.id
    ops.resolve_memo(book, ids["done"], "已兑换 5000 元", now=at(1, 15))
    calls.log_call(book, zhang.id, "reached", note="约下周来网点", now=at(7, 14))
    return ids


@pytest.fixture
def sample(book: Book) -> tuple[Book, dict[str, int]]:
    return book, fill_sample(book)


async def settle(pilot) -> None:  # noqa: ANN001
    """Wait until no worker is pending or running, then let their results reach the screen."""
    from textual.worker import WorkerState

    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    for _ in range(500):
        await pilot.pause()
        if not any(worker.state in busy for worker in pilot.app.workers):
            await pilot.pause()
            return
    raise AssertionError("workers still busy after 500 pauses")


class CliRun:
    """`memo` run in-process on one book: (exit code, stdout, stderr), with helpers."""

    extra: tuple[str, ...] = ()  # arguments every call gets (e.g. --lang en)

    def __init__(self, capsys: pytest.CaptureFixture, db: Path):
        self.capsys, self.db = capsys, db

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        from memo import cli

        self.capsys.readouterr()
        code = cli.main([*argv, "--db", str(self.db), *self.extra])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert (code, err) == (0, ""), err
        return out

    def json(self, *argv: str):  # noqa: ANN201
        import json

        return json.loads(self.ok(*argv, "--json"))

    def fails(self, *argv: str) -> list[str]:
        """A refused command: nothing on stdout, one clear line first on stderr, no traceback."""
        code, out, err = self(*argv)
        assert code != 0 and out == "" and "Traceback" not in err, (code, out, err)
        lines = err.splitlines()
        assert lines and lines[0].startswith("memo: ") and len(lines[0]) > len("memo: "), err
        return lines

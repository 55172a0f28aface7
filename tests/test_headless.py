"""The headless layer never loads Textual; `memo` starts without its heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import memo

ROOT = Path(memo.__file__).parent
HEADLESS = ["memo.models", "memo.db", "memo.ops", "memo.agenda", "memo.calls", "memo.codes", "memo.terms", "memo.values", "memo.importer", "memo.prefetch", "memo.search", "memo.phones", "memo.names", "memo.when",
            "memo.birthdays", "memo.i18n", "memo.text", "memo.cli"]
if (ROOT / "demo.py").exists():
    HEADLESS.append("memo.demo")


def _loaded_after(code: str, watch: list[str], env: dict | None = None) -> dict[str, bool]:
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"print(json.dumps({{m: m in sys.modules for m in {watch!r}}}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_headless_modules_never_import_textual() -> None:
    code = "\n".join(f"import {name}" for name in HEADLESS)
    loaded = _loaded_after(code, ["textual", "rich.console", *HEADLESS])
    assert loaded["textual"] is False
    assert all(loaded[name] for name in HEADLESS)  # the probe did import them


def test_using_the_book_headless_never_imports_textual(tmp_path: Path) -> None:
    code = (
        "from memo import ops\n"
        "from memo.db import open_book\n"
        f"book = open_book({str(tmp_path / 'book.db')!r})\n"
        "c = ops.add_client(book, '单田芳', ['15011112222'], tier='金卡', birthday='农历八月十五')\n"
        "ops.jot(book, '要美元', '2222')\n"
        "assert ops.find(book, 'stf')[0].id == c.id\n"
        "ops.today(book, __import__('datetime').date(2026, 3, 2))\n"
        "book.close()\n"
    )
    loaded = _loaded_after(code, ["textual", "alembic"])
    assert loaded == {"textual": False, "alembic": False}  # alembic only when a migration is due


def test_cli_commands_never_import_textual(tmp_path: Path) -> None:
    code = (
        "from memo.cli import main\n"
        f"db = {str(tmp_path / 'book.db')!r}\n"
        "assert main(['client', 'add', '--name', '张三', '--phone', '13800138000', '--db', db, '--json']) == 0\n"
        "assert main(['jot', 'x', '--client', '8000', '--db', db]) == 0\n"
        "assert main(['find', 'zs', '--db', db]) == 0\n"
        "assert main(['show', '张三', '--db', db]) == 0\n"
        "assert main(['today', '--db', db, '--date', '2026-03-02']) == 0\n"
    )
    assert _loaded_after(code, ["textual"]) == {"textual": False}


def test_importing_the_cli_alone_stays_light() -> None:
    heavy = ["textual", "pypinyin", "alembic", "sqlalchemy", "sqlmodel", "rich"]
    loaded = _loaded_after("import memo.cli", heavy)
    assert loaded["textual"] is False
    assert loaded["pypinyin"] is False
    assert loaded["alembic"] is False
    assert loaded["sqlalchemy"] is False and loaded["sqlmodel"] is False  # the book opens only when needed


def test_the_first_page_of_today_needs_no_orm(tmp_path: Path) -> None:
    """Startup: the app opens the book and computes the today list straight on sqlite3; SQLAlchemy,
    SQLModel and the models (most of a cold start) load after the first page is on screen."""
    code = (
        "from memo import ops\n"
        "from memo.db import open_book\n"
        f"book = open_book({str(tmp_path / 'book.db')!r})\n"
        "c = ops.add_client(book, '张三', ['13800138000'], birthday='1966-03-02')\n"
        "book.close()\n"
        "for name in [m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel', 'memo', 'pypinyin'))]:\n"
        "    del sys.modules[name]\n"
        "import datetime\n"
        "import memo.app, memo.screens.today\n"
        "from memo import agenda\n"
        "from memo.db import open_book\n"
        f"book = open_book({str(tmp_path / 'book.db')!r})\n"
        "page = agenda.compute(book, datetime.date(2026, 3, 2), limit=100)\n"
        "assert [r.kinds for r in page.rows] == [['birthday']], page\n"
        "assert book.setting('privacy_default', False) is False\n"
    )
    loaded = _loaded_after(code, ["sqlalchemy", "sqlmodel", "memo.models", "memo.ops", "pypinyin"])
    assert not any(loaded.values()), loaded


def test_memo_import_loads_no_orm(tmp_path: Path) -> None:
    """`memo import` into a new book: the rows go in straight on sqlite3 and the book is made from
    memo/schema.sql, so neither SQLAlchemy, SQLModel nor the models are imported (a second of a
    big import's wall time)."""
    csv = tmp_path / "export.csv"
    csv.write_text("客户姓名,手机号码,存款金额,起息日,存期\n张三,13800138000,50万,2026-01-05,1年\n", encoding="utf-8")
    code = (
        "from memo.cli import main\n"
        f"assert main(['import', {str(csv)!r}, '--db', {str(tmp_path / 'new.db')!r}, '--json']) == 0\n"
    )
    loaded = _loaded_after(code, ["sqlalchemy", "sqlmodel", "memo.models", "memo.ops", "memo.money", "alembic"])
    assert not any(loaded.values()), loaded


def test_memo_today_loads_no_orm(tmp_path: Path) -> None:
    """The morning list from the command line is a read straight on sqlite3, filters included."""
    code = (
        "from memo.cli import main\n"
        f"assert main(['today', '--db', {str(tmp_path / 'b.db')!r}, '--tier', '金卡', '--kind', 'birthday', "
        "'--json']) == 0\n"
    )
    loaded = _loaded_after(code, ["sqlalchemy", "sqlmodel", "memo.models", "memo.ops", "pypinyin"])
    assert not any(loaded.values()), loaded


def test_cli_help_runs_without_the_app() -> None:
    done = subprocess.run([sys.executable, "-m", "memo", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "jot" in done.stdout and "find" in done.stdout

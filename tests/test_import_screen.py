"""The import screen: the dry run is shown first, nothing is written until the manager says so."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from memo import ops
from memo.app import MemoApp
from memo.screens.import_ import ImportScreen

from .conftest import TODAY, settle

SIZE = (120, 35)

CSV = (
    "客户姓名,手机号码,生日,客户等级,金额,起息日,存期,自动转存\n"
    "张三,13800138000,1966-11-29,金卡,500000,2026-01-31,1年,否\n"
    "李四,1.38001E+10,,普通,,,,\n"
    "[bold]王五,13912345678,,白金,,,,\n"
)


def _file(tmp_path):  # noqa: ANN001, ANN202
    path = tmp_path / "客户.csv"
    path.write_text(CSV, encoding="gb18030")
    return path


async def test_preview_then_import(book, tmp_path) -> None:
    path = _file(tmp_path)
    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        pilot.app.screen.query_one("#f-path", Input).value = str(tmp_path / "missing.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert "missing.csv" in str(pilot.app.screen.query_one("#form-error", Static).render())
        pilot.app.screen.query_one("#f-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ImportScreen)
        summary = str(screen.query_one("#import-summary", Static).render())
        assert "Preview" in summary and "2 created" in summary and "1 with errors" in summary
        table = screen.query_one("#import-rows", DataTable)
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0] == "3" and first[1] == "error" and "1.38001E+10" in first[4]
        assert ops.count_clients(book) == 0  # the preview wrote nothing
        await pilot.press("i")
        await settle(pilot)
        assert "Imported" in str(screen.query_one("#import-summary", Static).render())
    assert ops.count_clients(book) == 2
    assert [h.name for h in ops.find(book, "5678")] == ["[bold]王五"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_import_screen_snapshot(snap_compare, book, tmp_path, lang: str) -> None:
    path = _file(tmp_path)

    async def open_it(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        pilot.app.push_screen(ImportScreen(path))
        await settle(pilot)

    assert snap_compare(MemoApp(book, today=TODAY, lang=lang), terminal_size=SIZE, run_before=open_it)


async def test_the_screen_says_it_is_importing_and_imports_once(book, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import threading

    from memo import importer

    path = _file(tmp_path)
    release, calls = threading.Event(), []
    real = importer.run_import

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        assert release.wait(10)
        return real(*args, **kwargs)

    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ImportScreen(path))
        await settle(pilot)
        screen = pilot.app.screen
        monkeypatch.setattr(importer, "run_import", slow)
        await pilot.press("i")
        await pilot.press("i")  # a second press while importing: nothing more
        for _ in range(100):
            await pilot.pause()
            if calls:
                break
        assert "Importing" in str(screen.query_one("#import-summary", Static).render())
        assert screen.query_one("#import-rows", DataTable).loading
        release.set()
        await settle(pilot)
        assert calls == [1] and "Imported" in str(screen.query_one("#import-summary", Static).render())
        assert not screen.query_one("#import-rows", DataTable).loading
    assert ops.count_clients(book) == 2

"""The message catalog: both languages everywhere, every key used exists, codes have words."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from memo import i18n, models, search
from memo.i18n import CATALOG, detect_lang, label, t

SOURCE = Path(i18n.__file__).parent
FILES = sorted(SOURCE.rglob("*.py"))
KEY = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"
STRING = r"""(?:"[^"]*"|'[^']*')"""


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_sources_are_found() -> None:
    names = {p.name for p in FILES}
    assert {"cli.py", "ops.py", "i18n.py"} <= names


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert isinstance(entry, tuple) and len(entry) == 2
    zh, en = entry
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), key
    assert all(re.fullmatch(r"[a-z_]+", f) for f in _fields(zh)), key  # named, not {0} or {}
    values = {f: "X" for f in _fields(zh)}
    for lang in i18n.LANGS:
        i18n.set_lang(lang)
        assert t(key, **values)


def test_chinese_entries_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    # a zh text may be symbols and placeholders only ("→ {date} {weekday}"), but never English words
    english = [k for k, (zh, _) in CATALOG.items()
               if re.search(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}", "", zh)) and not han.search(zh)]
    assert english == []


def _literal_keys() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    patterns = [
        # t("x.y"), t('x.y'), also with values after the key
        re.compile(rf"""\bt\(\s*(["'])({KEY})\1\s*[,)]"""),
        # Binding("key", "action", "x.y", ...): the description is a catalog key
        re.compile(rf"""\bBinding\(\s*{STRING}\s*,\s*{STRING}\s*,\s*(["'])({KEY})\1"""),
        re.compile(rf"""\bdescription\s*=\s*(["'])({KEY})\1"""),
    ]
    for path in FILES:
        source = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for match in pattern.finditer(source):
                used.setdefault(match.group(match.lastindex), []).append(path.name)
    return used


def test_every_literal_key_in_the_source_exists() -> None:
    used = _literal_keys()
    assert len(used) > 20  # the scan finds the keys (cli.py alone uses a dozen)
    assert "cli.jotted" in used and "today.counts" in used
    missing = {key: files for key, files in used.items() if key not in CATALOG}
    assert missing == {}


def test_every_error_code_has_a_message() -> None:
    code = re.compile(r"""["']((?:phone|when|birthday|client|memo|book|demo)\.[a-z_]+)["']""")
    not_codes = {"book.db", "demo.db", "client.id"}  # file names and SQL, not catalog keys
    found = set()
    for path in FILES:
        found |= set(code.findall(path.read_text(encoding="utf-8")))
    found -= not_codes
    assert {"phone.invalid", "client.ambiguous", "memo.not_open", "book.cannot_open"} <= found
    assert sorted(found - set(CATALOG)) == []


@pytest.mark.parametrize("group, codes", [
    ("tier", models.TIERS), ("kind", models.MEMO_KINDS), ("status", models.MEMO_STATUSES),
    ("channel", models.CHANNELS), ("outcome", models.OUTCOMES), ("honorific", models.HONORIFICS),
])
def test_label_covers_every_stored_code(group: str, codes: tuple[str, ...]) -> None:
    for lang in i18n.LANGS:
        i18n.set_lang(lang)
        words = [label(group, code) for code in codes]
        assert all(words), (group, lang)
        assert len(set(words)) == len(words), (group, lang)  # two codes never read the same
    assert label(group, None) == ""


def test_labels_read_right() -> None:
    i18n.set_lang("zh")
    assert [label("tier", c) for c in models.TIERS] == ["普通", "金卡", "白金", "钻石", "私行"]
    assert (label("honorific", "mr"), label("honorific", "ms")) == ("先生", "女士")
    i18n.set_lang("en")
    assert label("tier", "gold") == "Gold"


def test_every_search_match_kind_has_words() -> None:
    kinds = {m for q in ("1234", "13800138000", "zs", "张三") for m, _, _ in search.plan(q)}
    assert kinds == {"phone_exact", "phone_suffix", "phone_prefix", "phone_middle", "initials", "pinyin", "name"}
    for kind in kinds:
        assert f"match.{kind}" in CATALOG


def test_weekdays_and_birthday_labels() -> None:
    assert all(f"weekday.{d}" in CATALOG for d in range(7))
    for key in ("birthday.solar", "birthday.lunar", "birthday.lunar_leap"):
        assert _fields(CATALOG[key][0]) == {"month", "day"}


def test_t_formats_values_as_plain_text() -> None:
    i18n.set_lang("en")
    assert t("client.not_found", value="[bold]{x}") == "No client “[bold]{x}”"
    i18n.set_lang("zh")
    assert t("client.not_found", value="张三") == "找不到客户「张三」"
    with pytest.raises(ValueError):
        i18n.set_lang("fr")
    assert i18n.get_lang() == "zh"


@pytest.mark.parametrize("env, lang", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL wins over LANG
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"MEMO_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),  # MEMO_LANG wins over the locale
    ({"MEMO_LANG": "en", "LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"MEMO_LANG": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty means unset
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),
])
def test_detect_lang(env: dict[str, str], lang: str) -> None:
    assert detect_lang(env) == lang


def test_detect_lang_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert detect_lang() == "zh"
    monkeypatch.setenv("MEMO_LANG", "en")
    assert detect_lang() == "en"


def test_the_catalog_source_has_no_duplicate_keys() -> None:
    """A key written twice in the dict literal silently keeps only the last text."""
    import collections
    import re
    from pathlib import Path

    import memo.i18n

    source = Path(memo.i18n.__file__).read_text(encoding="utf-8")
    keys = re.findall(r'^\s+"([a-z_.0-9]+)": \(', source, re.M)
    twice = [key for key, count in collections.Counter(keys).items() if count > 1]
    assert twice == []


@pytest.mark.parametrize(("count", "want"), [(0, "0 clients"), (1, "1 client"), (2, "2 clients"), (11, "11 clients")])
def test_english_counts_of_one_are_singular(count: int, want: str) -> None:
    i18n.set_lang("en")
    assert i18n.t("lookup.count", count=count) == want
    assert i18n.t("review.per_bar", n=1) == "1 day a bar"
    assert i18n.t("export.done", tables=1, rows=1, path="p") == "Exported 1 table, 1 row, to p"
    assert i18n.t("export.done", tables=2, rows=1, path="p") == "Exported 2 tables, 1 row, to p"
    assert i18n.t("why.workdays_left", n=1) == "1 working day left"  # a "(s)" in the template
    assert i18n.t("why.workdays_left", n=3) == "3 working days left"
    assert i18n.t("campaign.summary", n=1, coming=2) == "1 campaign · 2 coming"


def test_a_count_of_one_never_changes_a_value() -> None:
    i18n.set_lang("en")
    # a value that happens to read "1 days" is the client's text: shown as written
    assert i18n.t("why.request_waiting", text="call 1 days later", days=1) == "call 1 days later (waiting 1 day, no due date)"
    i18n.set_lang("zh")
    assert i18n.t("lookup.count", count=1) == "1 位客户"

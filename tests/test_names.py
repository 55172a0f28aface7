"""Tests for memo.names: pinyin search keys and surname detection."""

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memo.names import SURNAMES, name_keys, surname_of


@pytest.mark.parametrize(
    "name, initials, full",
    [
        ("张三", "zs", "zhangsan"),
        ("王小明", "wxm", "wangxiaoming"),
        # polyphonic surnames pypinyin reads with the everyday reading
        ("单田芳", "stf", "shantianfang"),
        ("曾国藩", "zgf", "zengguofan"),
        ("解缙", "xj", "xiejin"),
        ("区志华", "ozh", "ouzhihua"),
        ("翟天临", "ztl", "zhaitianlin"),
        ("覃海洋", "qhy", "qinhaiyang"),
        ("查良镛", "zly", "zhaliangyong"),
        ("仇英", "qy", "qiuying"),
        ("朴槿惠", "pjh", "piaojinhui"),
        ("乐嘉", "yj", "yuejia"),
        ("盖聂", "gn", "genie"),
        ("缪可", "mk", "miaoke"),
        ("繁钦", "pq", "poqin"),
        ("员半千", "ybq", "yunbanqian"),
        ("秘丽", "bl", "bili"),
        ("种师道", "csd", "chongshidao"),
        ("都丽", "dl", "duli"),
        ("句芒", "gm", "goumang"),
        ("能静", "nj", "naijing"),
        ("粘文", "nw", "nianwen"),
        ("祭红", "zh", "zhaihong"),
        ("折继闵", "sjm", "shejimin"),
        ("召平", "sp", "shaoping"),
        ("洗星海", "xxh", "xianxinghai"),
        ("任盈盈", "ryy", "renyingying"),
        ("沈从文", "scw", "shencongwen"),
        ("曲波", "qb", "qubo"),
        ("柏杨", "by", "baiyang"),
        ("华佗", "ht", "huatuo"),
        ("尉缭", "wl", "weiliao"),  # 尉 alone is wei; only 尉迟 is yu-chi
        # compound surnames
        ("尉迟恭", "ycg", "yuchigong"),
        ("欧阳娜娜", "oynn", "ouyangnana"),
        ("司马懿", "smy", "simayi"),
        ("诸葛亮", "zgl", "zhugeliang"),
        ("上官婉儿", "sgwe", "shangguanwaner"),
        ("万俟卨", "mqx", "moqixie"),
        ("长孙无忌", "zswj", "zhangsunwuji"),
        ("宇文泰", "ywt", "yuwentai"),
        ("令狐冲", "lhc", "linghuchong"),
        ("皇甫嵩", "hfs", "huangfusong"),
        ("东方朔", "dfs", "dongfangshuo"),
        ("夏侯惇", "xhd", "xiahoudun"),
        ("澹台灭明", "ttmm", "tantaimieming"),
        ("公孙策", "gsc", "gongsunce"),
        ("慕容复", "mrf", "murongfu"),
        ("单于丹", "cyd", "chanyudan"),  # longest match: 单于 before 单
        ("乐正克", "yzk", "yuezhengke"),
        ("尉遲恭", "ycg", "yuchigong"),  # traditional characters
        ("歐陽修", "oyx", "ouyangxiu"),
        # table applies only at the start; the given name uses pypinyin
        ("王单", "wd", "wangdan"),
        ("张曾", "zc", "zhangceng"),
        # ü is written v
        ("吕布", "lb", "lvbu"),
        ("女娲", "nw", "nvwa"),
        ("吕略", "ll", "lvlve"),
        # mixed scripts
        ("Lily 王", "lw", "lilywang"),
        ("Lily王", "lw", "lilywang"),
        ("王 Lily", "wl", "wanglily"),
        ("Ｌｉｌｙ王", "lw", "lilywang"),  # full-width letters
        ("LILY WANG", "lw", "lilywang"),
        ("José 张", "jz", "josezhang"),  # accents stripped
        ("Lǚ Bù", "lb", "lvbu"),  # typed pinyin with tone marks
        # dropped: digits, punctuation, emoji, interpunct
        ("迪丽热巴·迪力木拉提", "dlrbdlmlt", "dilirebadilimulati"),
        ("王2号😀", "wh", "wanghao"),
        ("  张三  ", "zs", "zhangsan"),
        ("张三(VIP)", "zsv", "zhangsanvip"),
        # empty / nothing readable
        ("", "", ""),
        ("   ", "", ""),
        ("123!?", "", ""),
        ("😀", "", ""),
    ],
)
def test_name_keys(name, initials, full):
    assert name_keys(name) == (initials, full)


@pytest.mark.parametrize(
    "name, surname",
    [
        ("张三", "张"),
        ("欧阳娜娜", "欧阳"),
        ("尉迟恭", "尉迟"),
        ("单于丹", "单于"),
        ("单田芳", "单"),
        ("司马懿", "司马"),
        ("诸葛亮", "诸葛"),
        ("上官婉儿", "上官"),
        ("  王小明 ", "王"),
        ("Lily王", "L"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_surname_of(name, surname):
    assert surname_of(name) == surname


def test_surname_table_is_well_formed():
    for surname, syllables in SURNAMES.items():
        assert len(syllables) == len(surname), surname  # one syllable per character
        assert all(re.fullmatch(r"[a-z]+", s) for s in syllables), surname


def test_import_does_not_load_pypinyin_or_textual():
    # pypinyin costs ~0.5 s to import; it must wait for the first lookup.
    code = "import sys, memo.names; print('pypinyin' in sys.modules, 'textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


_ASCII_KEY = re.compile(r"[a-z]*")


@given(st.text())
def test_name_keys_total_and_ascii(name):
    initials, full = name_keys(name)
    assert _ASCII_KEY.fullmatch(initials)
    assert _ASCII_KEY.fullmatch(full)
    assert len(initials) <= len(full)
    assert bool(initials) == bool(full)
    assert full.startswith(initials[:1])


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=4))
def test_han_names_get_one_initial_per_syllable(name):
    # Common CJK: pypinyin knows (nearly) all; each character gives a syllable.
    initials, full = name_keys(name)
    assert len(initials) <= len(name)
    assert _ASCII_KEY.fullmatch(full)


@given(st.text())
def test_surname_of_is_a_prefix(name):
    surname = surname_of(name)
    assert name.strip().startswith(surname)
    assert len(surname) <= 2

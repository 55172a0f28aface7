"""Pinyin search keys for client names.

name_keys("张三") -> ("zs", "zhangsan") lets the manager find a client by
typing initials or full pinyin. pypinyin is imported lazily (it takes ~0.5 s)
and only for the part of the name that is not the surname: pypinyin reads
many polyphonic characters with their everyday reading, which is wrong for
surnames (单 dan -> shan, 曾 ceng -> zeng, 解 jie -> xie, ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

NAME_KEY_CHARS = 64  # pinyin keys come from a name's start; a 100 KB "name" stays cheap

__all__ = ["SURNAMES", "name_keys", "surname_of"]

# Surname -> syllables as read *as a surname* (Style.NORMAL, ü written v).
# One entry per syllable so initials come out right (尉迟 -> "yc").
# Single characters are here only where pypinyin's default reading is wrong
# for the surname, or where the reading is easy to get wrong; compounds are
# here so surname_of() recognises them (most pypinyin reads fine).
SURNAMES: dict[str, list[str]] = {
    # polyphonic single-character surnames (pypinyin's reading in comments)
    "单": ["shan"],  # dan
    "單": ["shan"],
    "曾": ["zeng"],  # ceng
    "解": ["xie"],  # jie
    "区": ["ou"],  # qu
    "區": ["ou"],
    "翟": ["zhai"],  # di
    "覃": ["qin"],  # tan
    "查": ["zha"],  # cha
    "仇": ["qiu"],  # chou
    "朴": ["piao"],  # pu
    "乐": ["yue"],  # le  (乐 is also a surname read le; yue is the classic one)
    "樂": ["yue"],
    "盖": ["ge"],  # gai
    "蓋": ["ge"],
    "缪": ["miao"],  # mou
    "繆": ["miao"],
    "繁": ["po"],  # fan
    "员": ["yun"],  # yuan
    "員": ["yun"],
    "秘": ["bi"],  # mi
    "种": ["chong"],  # zhong
    "種": ["chong"],
    "都": ["du"],  # dou
    "句": ["gou"],  # ju
    "能": ["nai"],  # neng
    "粘": ["nian"],  # zhan
    "祭": ["zhai"],  # ji
    "折": ["she"],  # zhe
    "召": ["shao"],  # zhao
    "洗": ["xian"],  # xi
    # pypinyin already agrees; listed so the surname reading is pinned
    "任": ["ren"],
    "沈": ["shen"],
    "曲": ["qu"],
    "柏": ["bai"],
    "华": ["hua"],
    "尉": ["wei"],  # alone 尉 is wei; only 尉迟 is yu-chi
    # compound surnames whose pypinyin reading is wrong or context-dependent
    "尉迟": ["yu", "chi"],
    "尉遲": ["yu", "chi"],  # pypinyin: wei chi
    "万俟": ["mo", "qi"],
    "萬俟": ["mo", "qi"],  # pypinyin: wan qi
    "长孙": ["zhang", "sun"],
    "長孫": ["zhang", "sun"],
    "单于": ["chan", "yu"],
    "單于": ["chan", "yu"],
    "澹台": ["tan", "tai"],
    "澹臺": ["tan", "tai"],  # pypinyin: dan tai
    "乐正": ["yue", "zheng"],  # pypinyin: le zheng
    # other compound surnames (pypinyin reads them fine)
    "欧阳": ["ou", "yang"],
    "歐陽": ["ou", "yang"],
    "司马": ["si", "ma"],
    "司馬": ["si", "ma"],
    "诸葛": ["zhu", "ge"],
    "諸葛": ["zhu", "ge"],
    "上官": ["shang", "guan"],
    "宇文": ["yu", "wen"],
    "令狐": ["ling", "hu"],
    "皇甫": ["huang", "fu"],
    "东方": ["dong", "fang"],
    "東方": ["dong", "fang"],
    "夏侯": ["xia", "hou"],
    "公孙": ["gong", "sun"],
    "公孫": ["gong", "sun"],
    "慕容": ["mu", "rong"],
    "司徒": ["si", "tu"],
    "司空": ["si", "kong"],
    "西门": ["xi", "men"],
    "西門": ["xi", "men"],
    "南宫": ["nan", "gong"],
    "南宮": ["nan", "gong"],
    "端木": ["duan", "mu"],
    "轩辕": ["xuan", "yuan"],
    "軒轅": ["xuan", "yuan"],
    "呼延": ["hu", "yan"],
    "独孤": ["du", "gu"],
    "獨孤": ["du", "gu"],
    "钟离": ["zhong", "li"],
    "鍾離": ["zhong", "li"],
    "申屠": ["shen", "tu"],
    "淳于": ["chun", "yu"],
    "闻人": ["wen", "ren"],
    "聞人": ["wen", "ren"],
    "赫连": ["he", "lian"],
    "赫連": ["he", "lian"],
    "拓跋": ["tuo", "ba"],
    "完颜": ["wan", "yan"],
    "完顏": ["wan", "yan"],
    "公羊": ["gong", "yang"],
    "公冶": ["gong", "ye"],
    "太史": ["tai", "shi"],
    "仲孙": ["zhong", "sun"],
    "濮阳": ["pu", "yang"],
    "鲜于": ["xian", "yu"],
    "闾丘": ["lv", "qiu"],
    "亓官": ["qi", "guan"],
    "东郭": ["dong", "guo"],
    "纳兰": ["na", "lan"],
    "納蘭": ["na", "lan"],
}

_MAX_SURNAME = max(map(len, SURNAMES))

# ü and its toned forms are written "v" (吕 lv, 女 nv); a few Latin letters
# that NFKD does not decompose get an ASCII spelling.
_FOLD = str.maketrans(
    {
        "ü": "v", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v",
        "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i",
    }
)
# Runs of ASCII letters (kept as words) or of non-ASCII text (given to
# pypinyin, which drops anything that is not Han). Digits, ASCII punctuation
# and spaces separate tokens and are dropped.
_TOKEN = re.compile(r"([a-z]+)|([^\x00-\x7f]+)")
_SYLLABLE = re.compile(r"[a-z]+")


def _match_surname(text: str) -> str | None:
    """Longest table surname `text` starts with (compounds before singles)."""
    for size in range(min(_MAX_SURNAME, len(text)), 0, -1):
        if text[:size] in SURNAMES:
            return text[:size]
    return None


@lru_cache(maxsize=8192)  # bounded: names repeat a lot, pypinyin is ~30 us/call
def _han_syllables(run: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin  # lazy: ~0.5 s import

    out = []
    for syl in lazy_pinyin(run, style=Style.NORMAL, v_to_u=False, errors="ignore"):
        # NORMAL style is plain ASCII in practice; be defensive anyway.
        out.extend(_SYLLABLE.findall(syl.lower()))
    return tuple(out)


def _fold(name: str) -> str:
    # NFKC: full-width letters -> ASCII, compatibility ideographs -> unified.
    text = unicodedata.normalize("NFKC", name).strip().lower().translate(_FOLD)
    if not text.isascii() and not unicodedata.is_normalized("NFD", text):
        # Strip accents from Latin letters (é -> e); Han is unaffected.
        text = "".join(
            ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
        )
    return text


def name_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lowercase ASCII: "张三" -> ("zs", "zhangsan")."""
    text = _fold(name)
    syllables: list[str] = []
    surname = _match_surname(text)
    if surname is not None:
        # The table wins only at the start of the name.
        syllables.extend(SURNAMES[surname])
        text = text[len(surname):]
    elif text and not text[0].isascii():
        # Read the first character on its own so pypinyin's phrase matching
        # cannot glue surname and given name into an unrelated word.
        syllables.extend(_han_syllables(text[0]))
        text = text[1:]
    for word, han in _TOKEN.findall(text):
        if word:
            syllables.append(word)
        else:
            syllables.extend(_han_syllables(han))
    return "".join(s[0] for s in syllables), "".join(syllables)


def surname_of(name: str) -> str:
    """Compound surname from the table if the name starts with one, else the first character."""
    text = name.strip()
    return _match_surname(text) or text[:1]

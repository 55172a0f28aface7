"""Write data/lunar.json: the lunar month table and the solar terms of 1900-2100, from
lunar-python, so memo.lunar reads a small file at start instead of computing the years
(about 50 ms a year with lunar-python). Years outside the table still use lunar-python.

    .venv/bin/python tools/make_lunar_table.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memo import lunar  # noqa: E402

FIRST, LAST = 1900, 2100


def main() -> None:
    years = {}
    for year in range(FIRST, LAST + 1):
        table = lunar._computed_year(year)
        years[str(year)] = {
            "months": [[m.month, int(m.leap), m.first.toordinal(), m.length] for m in table.months],
            "terms": {name: day.toordinal() for name, day in table.terms.items()},
        }
    out = ROOT / "data" / "lunar.json"
    out.write_text(json.dumps({"_source": "lunar-python", "_years": [FIRST, LAST], "years": years},
                              ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {LAST - FIRST + 1} years, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

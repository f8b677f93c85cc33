"""Name normalisation: fold the many English spellings of an Arabic name to one key (pure)."""

from __future__ import annotations

import re
import unicodedata

# ‘ayn and hamza marks as agencies type them.
_AYN = str.maketrans("", "", "`'‘’ʿʾ´")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_ARTICLE = re.compile(r"\b(?:al|el|az|as|ad|an|ar|at|ash|ath|adh|um|umm)\s+(?=\w)")
_NON_WORD = re.compile(r"[^\w]+")
_DOUBLED = re.compile(r"([a-z])\1+")


def _fold_latin_word(word: str) -> str:
    word = _DOUBLED.sub(r"\1", word)
    word = word.replace("ou", "u").replace("o", "u").replace("e", "i")
    if len(word) > 3 and word.endswith("h"):
        word = word[:-1]
    return word


def normalise(text: str) -> str:
    """Fold a name to its matching key: lower case, no accents, articles, hyphens or ‘ayn marks."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_AYN).lower()
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_FOLD)
    text = _NON_WORD.sub(" ", text).strip()
    text = _ARTICLE.sub("", text + " ").strip()
    words = [_fold_latin_word(w) if w.isascii() else w for w in text.split()]
    return " ".join(words)

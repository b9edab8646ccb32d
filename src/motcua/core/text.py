"""Text folding for search: what a farmer types without diacritics must match the catalog."""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case `text`, drop Vietnamese diacritics (đ becomes d) and keep only words.

    >>> fold("ĐĂNG KÝ KẾT HÔN")
    'dang ky ket hon'
    >>> fold("Mã 1.001612")
    'ma 1 001612'
    """
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(bare))


def padded_fold(text: str) -> str:
    """`fold(text)` between spaces, so that " word" matches the start of any word."""
    return f" {fold(text)} "

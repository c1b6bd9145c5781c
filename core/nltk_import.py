"""Importing nltk without the part of it that costs the most and douse never uses.

nltk's package import reaches scipy.stats (about 0.7 s of CPU, half of importing nltk) for one
collocation measure, Fisher's exact test, which nltk itself imports only if it can. scikit-learn
brings scipy along, so without this every process that scores a post or stems a word paid it.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, cast


def import_nltk() -> None:
    """Import nltk once, with scipy.stats unavailable to it while it loads.

    Only from a process's only thread: another thread importing scipy.stats (scikit-learn, when
    a model is fitted) at that moment would be refused, so then nltk is imported as it is."""
    if "nltk" in sys.modules:
        return
    blocked = "scipy.stats" not in sys.modules and threading.active_count() == 1
    modules = cast(dict[str, Any], sys.modules)
    if blocked:
        modules["scipy.stats"] = None  # "import scipy.stats" raises ImportError meanwhile
    try:
        import nltk  # noqa: F401
    finally:
        if blocked and modules.get("scipy.stats", ...) is None:
            del modules["scipy.stats"]

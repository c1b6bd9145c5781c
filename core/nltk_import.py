"""Importing nltk without the parts of it that cost the most and douse never uses.

nltk's package import reaches scipy.stats (about 0.7 s of CPU, half of importing nltk) for one
collocation measure, Fisher's exact test, and scikit-learn (about 0.5 s more, with numpy's
dataframe adapters) for its `SklearnClassifier` wrapper; nltk imports both only if it can. Without
this every process that scores a post or stems a word paid for them. douse fits its own models
with scikit-learn (core.learning.fit), which imports it directly, after nltk, and gets it whole.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, cast

# What nltk imports inside `try: ... except ImportError`, and douse never asks nltk for.
UNWANTED = ("scipy.stats", "sklearn")


def import_nltk() -> None:
    """Import nltk once, with UNWANTED unavailable to it while it loads.

    Only from a process's only thread: another thread importing one of them (scikit-learn, when
    a model is fitted) at that moment would be refused, so then nltk is imported as it is."""
    if "nltk" in sys.modules:
        return
    modules = cast(dict[str, Any], sys.modules)
    blocked = (
        [name for name in UNWANTED if name not in modules] if threading.active_count() == 1 else []
    )
    for name in blocked:
        modules[name] = None  # "import NAME" raises ImportError meanwhile
    try:
        import nltk  # noqa: F401
    finally:
        for name in blocked:
            if modules.get(name, ...) is None:
                del modules[name]

"""VADER's lexicon, from the copy the vaderSentiment package ships, loaded into nltk.

nltk's `SentimentIntensityAnalyzer` would otherwise want `nltk.download("vader_lexicon")`, which
needs the internet. nltk 3.10 refuses an absolute `lexicon_file` ("Unsafe resource path"), so the
file is copied to `<dir>/sentiment/vader_lexicon/vader_lexicon.txt`, `<dir>` goes on
`nltk.data.path`, and the relative resource name is passed instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

from douse.core.nltk_import import import_nltk

import_nltk()

import nltk.data  # noqa: E402
import platformdirs  # noqa: E402
from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: E402

from douse.core.errors import DouseError  # noqa: E402

RESOURCE_NAME = "sentiment/vader_lexicon/vader_lexicon.txt"

# nltk.data.path is process-global; two analyzers built at once must not race on it.
_path_lock = threading.Lock()


class LexiconError(DouseError):
    """VADER's lexicon cannot be found or read."""


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("douse", appauthor=False))


def shipped_lexicon_bytes() -> bytes:
    try:
        return resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise LexiconError(
            f"VADER lexicon not found in the vaderSentiment package ({exc}); "
            "reinstall douse's dependencies"
        ) from None


def _install(root: Path, data: bytes) -> None:
    """Put the lexicon under `root` unless an identical copy is already there.

    Written to a temporary name and renamed, so a second process starting at the same moment
    never reads half a file.
    """
    target = root / RESOURCE_NAME
    try:
        if target.read_bytes() == data:
            return
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".vader_lexicon.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_from(root: Path) -> SentimentIntensityAnalyzer:
    with _path_lock:
        entry = str(root)
        # First on the path, so an unrelated nltk_data tree cannot shadow our copy; removed
        # afterwards so douse leaves nltk's search path as it found it.
        nltk.data.path.insert(0, entry)
        try:
            return SentimentIntensityAnalyzer(lexicon_file=RESOURCE_NAME)
        finally:
            nltk.data.path.remove(entry)


def load_vader(cache_dir: Path | None = None) -> SentimentIntensityAnalyzer:
    """An nltk VADER analyzer with the shipped lexicon; never touches the network.

    Falls back to a private temporary directory (removed once loaded) when the cache directory
    cannot be written, e.g. a read-only home in a container.
    """
    data = shipped_lexicon_bytes()
    root = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        _install(root, data)
    except OSError:
        scratch = Path(tempfile.mkdtemp(prefix="douse-vader-"))
        try:
            _install(scratch, data)
            return _load_from(scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    try:
        return _load_from(root)
    except (LookupError, OSError, ValueError) as exc:
        raise LexiconError(f"cannot load VADER lexicon from {root}: {exc}") from None

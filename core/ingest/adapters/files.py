"""File import (`import` sources and `douse import`): CSV, JSONL, JSON, RSS/Atom/JSON Feed files.

Review-site exports and saved feeds come in as the same RawMentions as polled posts. A column
map names where each field lives: `text=review,author=user,published=date,url=link,id=review_id`
(for JSON, dotted paths such as `text=review.review_text`, plus `records=user_reviews` to point
at the list). Without a map, common column names are recognised. An `import` source in
clients.toml gives the same map as `params.map` (`params.columns` is read too), with optional
`params.format` and `params.platform`; `douse config check` rejects any other key.

Files are streamed row by row, so a million-row export needs no more memory than one row. A
row that cannot be read is reported through `on_problem` as "file:line: why"; by default that
stops the import with a `BadSource`, so nothing is skipped silently. A row without any text (a
star-only review, common in review-site exports) is not an error: it is skipped and counted in a
`Skipped` tally for the file's summary line; a file where no row has text is refused.

Text encodings: a BOM says UTF-8, UTF-16 (Excel's "Unicode text") or UTF-32; a file without one
is UTF-8 when the whole file decodes as such, else each line is decided on its own: UTF-8 when
it is valid UTF-8, else Windows-1252, with the five bytes Windows-1252 leaves undefined (0x81,
0x8D, 0x8F, 0x90, 0x9D) read as Latin-1, so decoding never fails. (A CSV appended to by two
tools mixes both; decided for the whole file, "café" in the UTF-8 rows became "cafÃ©".)
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from douse.core.ingest.adapters import rss
from douse.core.ingest.adapters.common import count, optional_count, text_field, url_field
from douse.core.ingest.fetch import BadSource, Fetcher, FetchError
from douse.core.ingest.normalize import clean_text, html_to_text, to_utc
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState

FIELDS = (
    "id", "text", "title", "author", "author_name", "author_url", "followers", "published",
    "url", "likes", "shares", "replies", "rating", "language", "platform", "label", "client",
)  # fmt: skip
# A labelled import's label column: what a person judged the post. Only read when mapped.
LABELS = ("negative", "neutral", "positive")
# Column names review sites and spreadsheets commonly use, tried when no map names a field.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "review_id", "post_id", "guid", "external_id"),
    "text": ("text", "review", "review_text", "body", "content", "comment", "message"),
    "title": ("title", "headline", "subject", "summary"),
    "author": ("author", "user", "username", "handle", "reviewer", "user_name"),
    "author_name": ("author_name", "display_name", "name"),
    "author_url": ("author_url", "profile_url", "user_url"),
    "followers": ("followers", "followers_count"),
    "published": ("published", "date", "created_at", "created", "timestamp", "time", "posted"),
    "url": ("url", "link", "permalink", "review_url"),
    "likes": ("likes", "like_count", "favourites", "helpful", "score", "points"),
    "shares": ("shares", "share_count", "reposts", "retweets"),
    "replies": ("replies", "reply_count", "comments", "comments_count"),
    "rating": ("rating", "stars", "score_out_of_5"),
    "language": ("language", "lang"),
    "platform": ("platform", "site", "source"),
}
FORMATS = ("csv", "jsonl", "json", "feed")
MAX_FILE_BYTES = 2 * 1024**3
csv.field_size_limit(16 * 1024 * 1024)

Problem = Callable[[str], None]
# Why `_mention` gives no mention for a row that has no text at all: skipped, not a problem.
NO_TEXT = "no text"
# Windows-1252 for the bytes it defines, Latin-1 for the five it does not.
CP1252_OR_LATIN1 = "douse-cp1252-latin1"
# Not a codec: a file that is not all UTF-8 is decoded one line at a time (see _open_text).
PER_LINE = "per-line utf-8 or windows-1252"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(CP1252_OR_LATIN1, _latin1_for_undefined)


@dataclass
class Skipped:
    """Rows of one import passed over on purpose, for the file's summary line."""

    without_text: int = 0

    def line(self) -> str:
        n = self.without_text
        return f"{n} row{'' if n == 1 else 's'} without text skipped" if n else ""


# The tally `iter_file` counts into when its caller gives none: lets the CLI read the count of
# an import run through `core.ingest.importer` (see `counting_skipped`).
_current_skipped: ContextVar[Skipped | None] = ContextVar("douse_import_skipped", default=None)


@contextmanager
def counting_skipped() -> Iterator[Skipped]:
    """Count the rows skipped by every file read inside the block (in this thread/context)."""
    tally = Skipped()
    token = _current_skipped.set(tally)
    try:
        yield tally
    finally:
        _current_skipped.reset(token)


def parse_column_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """`"text=review,author=user"` (or a dict) to {field: column}; unknown fields are errors."""
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        pairs = [(str(k), str(v)) for k, v in spec.items()]
    else:
        pairs = []
        for part in spec.split(","):
            if not part.strip():
                continue
            field, sep, column = part.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise BadSource(f"column map entry {part.strip()!r} is not field=column")
            pairs.append((field.strip(), column.strip()))
    mapping: dict[str, str] = {}
    for field, column in pairs:
        if field not in FIELDS and field != "records":
            raise BadSource(f"unknown field {field!r} in column map (known: {', '.join(FIELDS)})")
        mapping[field] = column
    return mapping


def detect_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise BadSource(f"unknown import format {explicit!r} (known: {', '.join(FORMATS)})")
        return explicit
    suffix = path.suffix.lower()
    by_suffix = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix in {".xml", ".rss", ".atom", ".rdf"}:
        return "feed"
    if suffix == ".json":
        return "json"
    raise BadSource(f"cannot tell the format of {path.name}; give it (csv, jsonl, json, feed)")


def iter_file(
    path: str | Path,
    *,
    fmt: str | None = None,
    column_map: str | Mapping[str, str] | None = None,
    platform: str = "import",
    on_problem: Problem | None = None,
    skipped: Skipped | None = None,
) -> Iterator[RawMention]:
    """Stream the mentions of one file; bad rows go to `on_problem` (default: raise), rows
    without text are counted in `skipped` (default: the `counting_skipped` tally, if any)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BadSource(f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadSource(f"{path.name} is larger than {MAX_FILE_BYTES // 1024**3} GB")
    kind = detect_format(path, fmt)
    mapping = parse_column_map(column_map)
    report = on_problem or _raise
    tally = skipped if skipped is not None else _current_skipped.get() or Skipped()
    if kind == "feed":
        yield from rss.parse(path.read_bytes())
        return
    if kind == "json":
        yield from parse_json(
            path.read_bytes(), mapping, platform=platform, name=path.name, skipped=tally
        )
        return
    encoding, errors = _encoding(path)
    try:
        with _open_text(path, encoding, errors) as stream:
            if kind == "csv":
                delimiter = "\t" if path.suffix.lower() == ".tsv" else None
                rows = iter_csv(stream, mapping, platform=platform, name=path.name,
                                on_problem=report, delimiter=delimiter, skipped=tally)  # fmt: skip
            else:
                rows = iter_jsonl(stream, mapping, platform=platform, name=path.name,
                                  on_problem=report, skipped=tally)  # fmt: skip
            yield from rows
    except UnicodeError as exc:
        # Not expected (every decoder above is lenient), but one file must never stop the rest.
        raise BadSource(f"{path.name}: cannot decode as {encoding}: {exc}") from None


def _raise(message: str) -> None:
    raise BadSource(message)


def _bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def _encoding(path: Path) -> tuple[str, str]:
    """(encoding, errors) to open a text file with: the one its BOM names, else UTF-8 when the
    whole file decodes as such, else Windows-1252 (what spreadsheet exports that are not UTF-8
    almost always are) with its undefined bytes read as Latin-1. A broken sequence in a file
    that names its encoding becomes U+FFFD rather than stopping the import."""
    with path.open("rb") as raw:
        bom = _bom_encoding(raw.read(4))
        if bom:
            return bom, "replace"
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return PER_LINE, CP1252_OR_LATIN1
    # Valid UTF-8 when scanned; "replace" only matters if the file changes while it is read.
    return "utf-8-sig", "replace"


@contextmanager
def _open_text(path: Path, encoding: str, errors: str) -> Iterator[Iterable[str]]:
    """The file's lines as text. A file that is not all UTF-8 is decided line by line: rows
    appended by different tools (one UTF-8, one Windows-1252) each keep their own "café"."""
    if encoding != PER_LINE:
        with path.open(encoding=encoding, errors=errors, newline="") as stream:
            yield stream
        return
    with path.open("rb") as raw:
        # Splitting at b"\n" is safe in both: neither encodes another character with that byte.
        yield (decode_line(line) for line in raw)


def decode_line(line: bytes) -> str:
    """One line as UTF-8 when it is valid UTF-8, else as Windows-1252 (undefined bytes as
    Latin-1): a UTF-8 line is almost never also a plausible Windows-1252 one, so this is safe."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors=CP1252_OR_LATIN1)


def decode_bytes(payload: bytes) -> str:
    """A whole payload as text, with the same rules as files (never raises)."""
    bom = _bom_encoding(payload[:4])
    if bom:
        return payload.decode(bom, errors="replace")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors=CP1252_OR_LATIN1)


def iter_csv(
    stream: Iterable[str],
    column_map: Mapping[str, str] | None = None,
    *,
    platform: str = "import",
    name: str = "<csv>",
    on_problem: Problem | None = None,
    delimiter: str | None = None,
    skipped: Skipped | None = None,
) -> Iterator[RawMention]:
    report = on_problem or _raise
    tally = skipped if skipped is not None else Skipped()
    without_text = tally.without_text
    found = 0
    lines = iter(stream)
    if delimiter is None:
        first = next(lines, "")
        delimiter = _sniff_delimiter(first)
        lines = _chain(first, lines)
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        report(f"{name}:1: unreadable header: {exc}")
        return
    mapping = _resolve(dict(column_map or {}), header, name)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report(f"{name}:{reader.line_num}: {clean_text(str(exc))}")
            continue
        mention, why = _mention(row.get, mapping, platform, (name, reader.line_num))
        if mention is not None:
            found += 1
            yield mention
        elif why is NO_TEXT:
            tally.without_text += 1
        else:
            report(f"{name}:{reader.line_num}: {why}")
    _no_row_has_text(name, found, tally.without_text - without_text, report)


def _no_row_has_text(name: str, found: int, without_text: int, report: Problem) -> None:
    """A file whose every row lacks text is almost surely mapped wrong: say so, do not skip."""
    if not found and without_text:
        rows = f"{without_text} row{'' if without_text == 1 else 's'} without text"
        report(f"{name}: no row has text ({rows}); map the text column with text=COLUMN")


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def iter_jsonl(
    stream: Iterable[str],
    column_map: Mapping[str, str] | None = None,
    *,
    platform: str = "import",
    name: str = "<jsonl>",
    on_problem: Problem | None = None,
    skipped: Skipped | None = None,
) -> Iterator[RawMention]:
    report = on_problem or _raise
    tally = skipped if skipped is not None else Skipped()
    without_text = tally.without_text
    found = 0
    mapping: dict[str, str] | None = None
    flat = True
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            report(f"{name}:{number}: invalid JSON: {clean_text(str(exc))[:100]}")
            continue
        if not isinstance(record, dict):
            report(f"{name}:{number}: not a JSON object")
            continue
        if mapping is None:
            mapping = _resolve(dict(column_map or {}), _paths(record), name)
            flat = not any("." in column for column in mapping.values())
        # Flat exports (the usual case) need no dotted-path walk: a plain dict lookup per field.
        get = record.get if flat else partial(_dig, record)
        mention, why = _mention(get, mapping, platform, (name, number))
        if mention is not None:
            found += 1
            yield mention
        elif why is NO_TEXT:
            tally.without_text += 1
        else:
            report(f"{name}:{number}: {why}")
    _no_row_has_text(name, found, tally.without_text - without_text, report)


def parse_json(
    payload: bytes | Any,
    column_map: Mapping[str, str] | None = None,
    *,
    platform: str = "import",
    name: str = "<json>",
    skipped: Skipped | None = None,
) -> list[RawMention]:
    """A JSON document holding a list of records (at `records=` in the map, or the top level)."""
    tally = skipped if skipped is not None else Skipped()
    if isinstance(payload, bytes):
        payload = decode_bytes(payload)
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError) as exc:
            raise BadSource(f"{name}: invalid JSON: {clean_text(str(exc))[:100]}") from None
    mapping = dict(column_map or {})
    where = mapping.pop("records", "")
    records = _dig(payload, where) if where else payload
    if isinstance(records, dict):
        lists = [v for v in records.values() if isinstance(v, list)]
        records = lists[0] if len(lists) == 1 else None
    if not isinstance(records, list):
        raise BadSource(f"{name}: no list of records found; name it with records=path")
    mentions: list[RawMention] = []
    without_text = 0
    resolved: dict[str, str] | None = None
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise BadSource(f"{name}: record {index} is not an object")
        if resolved is None:
            resolved = _resolve(mapping, _paths(record), name)
        mention, why = _mention(
            functools.partial(_dig, record), resolved, platform, (name, f"record {index}")
        )
        if mention is not None:
            mentions.append(mention)
        elif why is NO_TEXT:
            without_text += 1
        else:
            raise BadSource(f"{name}: record {index}: {why}")
    tally.without_text += without_text
    _no_row_has_text(name, len(mentions), without_text, _raise)
    return mentions


def _paths(record: dict[str, Any], prefix: str = "", depth: int = 0) -> list[str]:
    """Every dotted key path of a record (two levels deep), for recognising column names."""
    out: list[str] = []
    for key, value in record.items():
        path = f"{prefix}{key}"
        out.append(path)
        if isinstance(value, dict) and depth < 2:
            out.extend(_paths(value, path + ".", depth + 1))
    return out


def _dig(record: Any, path: str) -> Any:
    current = record
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return None
    return current


def _resolve(mapping: dict[str, str], columns: Sequence[str], name: str) -> dict[str, str]:
    """Complete a column map from the header; a mapped column that does not exist is an error."""
    available = set(columns)
    missing = [c for c in mapping.values() if c not in available]
    if missing:
        raise BadSource(f"{name}: no column {missing[0]!r} (columns: {', '.join(columns)[:200]})")
    resolved = dict(mapping)
    by_leaf: dict[str, str] = {}
    for column in columns:
        by_leaf.setdefault(column.rsplit(".", 1)[-1].strip().lower(), column)
    for field, aliases in ALIASES.items():
        if field in resolved:
            continue
        for alias in aliases:
            if alias in by_leaf and by_leaf[alias] not in resolved.values():
                resolved[field] = by_leaf[alias]
                break
    if "text" not in resolved and "title" not in resolved:
        raise BadSource(f"{name}: no text column found; map one with text=COLUMN")
    return resolved


def _label(get: Callable[[str], Any], mapping: Mapping[str, str]) -> tuple[str | None, str]:
    """The row's label (None when the cell is empty), or why it is refused."""
    raw = get(mapping["label"])
    if raw is None or isinstance(raw, dict | list):
        return None, ""
    label = str(raw).strip().lower()
    if not label:
        return None, ""
    if label not in LABELS:
        shown = clean_text(str(raw))[:30]
        return None, f"unknown label {shown!r} (negative, neutral or positive)"
    return label, ""


def _mention(
    get: Callable[[str], Any],
    mapping: Mapping[str, str],
    platform: str,
    at: tuple[str, Any] = ("", ""),
) -> tuple[RawMention | None, str]:
    # Called once per row of exports with millions of rows: unmapped fields cost one dict miss.
    def value(field: str) -> Any:
        column = mapping.get(field)
        return get(column) if column else None

    def as_text(field: str) -> str:
        column = mapping.get(field)
        raw = get(column) if column else None
        if raw is None or isinstance(raw, dict | list):
            return ""
        return html_to_text(str(raw)) if field == "text" else text_field(str(raw))

    text, title = as_text("text"), as_text("title")
    label = client = row = None
    if "label" in mapping or "client" in mapping:
        row = f"{at[0]}:{at[1]}"
        client = as_text("client") or None
        if "label" in mapping:
            label, why = _label(get, mapping)
            if why:
                return None, why
            if label and not text and not title:
                # A label without the words it judges teaches nothing: refused, not skipped.
                return None, f"labelled {label} but has no text"
    if not text and not title:
        return None, NO_TEXT
    published_raw = value("published")
    published = to_utc(published_raw)
    if published is None and published_raw not in (None, ""):
        return None, f"unreadable time {clean_text(str(published_raw))[:40]!r}"
    url, canonical = url_field(value("url"))
    where = as_text("platform") or platform
    # Review exports often carry only a display name; it is still the best identity there is.
    author_name = as_text("author_name")
    handle = as_text("author") or author_name
    author = None
    if handle:
        author = RawAuthor(
            platform=where,
            handle=handle,
            display_name=author_name or None,
            profile_url=url_field(value("author_url"))[0],
            followers=optional_count(value("followers")),
        )
    row_id = as_text("id")
    if row_id:
        external_id = f"{where}:{row_id}"
    elif url:
        external_id = None  # the pipeline deduplicates on the canonical URL
    else:
        # Re-importing the same export must not duplicate: the content is the identity.
        digest = hashlib.sha256(
            f"{handle}\x1f{published}\x1f{title}\x1f{text}".encode()
        ).hexdigest()
        external_id = f"{where}:sha256:{digest[:32]}"
    rating = value("rating")
    raw: dict[str, Any] = {}
    if rating not in (None, ""):
        try:
            raw["rating"] = float(rating)
        except (TypeError, ValueError):
            return None, f"rating {clean_text(str(rating))[:20]!r} is not a number"
    return (
        RawMention(
            platform=where,
            external_id=external_id,
            url=url,
            canonical_url=canonical,
            title=title,
            text=text,
            published_at=published,
            author=author,
            likes=count(value("likes")),
            shares=count(value("shares")),
            replies=count(value("replies")),
            language=as_text("language")[:16] or None,
            raw=raw,
            label=label,
            client=client,
            row=row,
        ),
        "",
    )


def parse(
    payload: bytes | str,
    *,
    fmt: str,
    column_map: str | Mapping[str, str] | None = None,
    platform: str = "import",
    skipped: Skipped | None = None,
) -> list[RawMention]:
    """In-memory variant of `iter_file` for small payloads (tests, pasted data)."""
    mapping = parse_column_map(column_map)
    if fmt == "feed":
        return rss.parse(payload)
    if fmt == "json":
        return parse_json(payload, mapping, platform=platform, skipped=skipped)
    text = decode_bytes(payload) if isinstance(payload, bytes) else payload
    lines = io.StringIO(text, newline="")
    if fmt == "csv":
        return list(iter_csv(lines, mapping, platform=platform, skipped=skipped))
    if fmt == "jsonl":
        return list(iter_jsonl(lines, mapping, platform=platform, skipped=skipped))
    raise BadSource(f"unknown import format {fmt!r} (known: {', '.join(FORMATS)})")


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    """An `import` source re-reads its file; unchanged files (same size and mtime) are skipped."""
    path = Path(spec.target).expanduser()
    try:
        stat = path.stat()
    except OSError:
        raise BadSource(f"no such file: {path}") from None
    fingerprint = f"{stat.st_size}:{stat.st_mtime_ns}"
    if state.cursor == fingerprint:
        return FetchPage(items=[], cursor=fingerprint, not_modified=True)
    skipped = Skipped()
    try:
        items = list(
            iter_file(
                path,
                fmt=spec.params.get("format"),
                column_map=source_column_map(spec.params),
                platform=str(spec.params.get("platform") or "import"),
                skipped=skipped,
            )
        )
    except OSError as exc:
        raise FetchError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    return FetchPage(items=items, cursor=fingerprint, warning=skipped.line() or None)


# What an `import` source's `params` may hold. `map` is spelt as the CLI's --map; `columns` is
# the older name for the same thing.
SOURCE_PARAMS = ("map", "columns", "format", "platform")


def source_column_map(params: Mapping[str, Any]) -> str | Mapping[str, str] | None:
    """The column map of an `import` source: `params.map` (or its older name `columns`)."""
    given = {key: params[key] for key in ("map", "columns") if params.get(key)}
    if len(given) > 1 and given["map"] != given["columns"]:
        raise BadSource("an import source takes its column map as map or columns, not both")
    value = next(iter(given.values()), None)
    if value is not None and not isinstance(value, str | Mapping):
        raise BadSource("an import source's map must be a string such as 'text=review,...'")
    return value

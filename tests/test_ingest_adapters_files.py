"""Importing review exports and saved feeds: column maps, encodings, bad rows, idempotent ids."""

from __future__ import annotations

import codecs
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from douse.core.ingest.adapters import fetch_source
from douse.core.ingest.adapters.files import Skipped, iter_file, parse, parse_column_map
from douse.core.ingest.fetch import BadSource, Fetcher
from douse.core.ingest.types import SourceSpec, SourceState

DATA = Path(__file__).parent / "data" / "ingest"
MAP = "text=review,author=user,published=date,url=link,id=review_id,rating=stars"


def test_csv_with_a_column_map_reports_bad_rows_without_losing_good_ones() -> None:
    problems: list[str] = []
    skipped = Skipped()
    items = list(
        iter_file(
            DATA / "reviews.csv",
            column_map=MAP,
            platform="trustpilot",
            on_problem=problems.append,
            skipped=skipped,
        )
    )
    # r-2 is a star-only review (no text): skipped and counted, not stored and not a problem.
    assert [m.external_id for m in items] == ["trustpilot:r-1", "trustpilot:r-4"]
    assert skipped.without_text == 1
    first = items[0]
    assert first.text == "Horizon Realty ignored my mould report for six weeks. Awful."
    assert first.published_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert first.canonical_url == "https://reviews.example.com/r/1"
    assert first.author is not None and first.author.handle == "tenant42"
    assert first.author.platform == "trustpilot"
    assert first.raw == {"rating": 1.0}
    assert items[1].text == "Multi-line\nreview about Horizon Realty"
    assert problems == ["reviews.csv:4: unreadable time '21/11/2026'"]


def test_a_bad_row_stops_the_import_by_default() -> None:
    # Line 3 has no text and is passed over; line 4's unreadable time is a real problem.
    with pytest.raises(BadSource, match=r"^reviews.csv:4: unreadable time '21/11/2026'$"):
        list(iter_file(DATA / "reviews.csv", column_map=MAP))


def test_column_names_are_recognised_without_a_map_and_cp1252_is_read() -> None:
    (item,) = iter_file(DATA / "reviews_cp1252.csv")
    assert item.text == "Très déçu par Horizon Realty – aucun suivi"
    assert item.author is not None and item.author.handle == "zoë"
    assert item.external_id == "import:1"


def test_jsonl_with_dotted_paths() -> None:
    problems: list[str] = []
    items = list(
        iter_file(
            DATA / "reviews.jsonl",
            column_map="text=review.text,id=review.id,author=user.name,published=ts,rating=review.rating",
            platform="yelp",
            on_problem=problems.append,
        )
    )
    assert [m.external_id for m in items] == ["yelp:901", "yelp:902"]
    assert items[0].raw == {"rating": 1.0}
    assert problems[0].startswith("reviews.jsonl:4: invalid JSON")
    assert problems[1] == "reviews.jsonl:5: unreadable time 'not a date'"


def test_json_review_api_dump() -> None:
    items = list(
        iter_file(
            DATA / "zomato_v2.1_reviews_response.json",
            column_map=(
                "records=user_reviews,text=review.review_text,id=review.id,"
                "author=review.user.zomato_handle,author_name=review.user.name,"
                "published=review.timestamp,rating=review.rating,likes=review.likes"
            ),
            platform="zomato",
        )
    )
    assert len(items) == 5
    assert sorted(m.raw["rating"] for m in items) == [2.5, 3.0, 4.0, 4.5, 5.0]
    assert items[0].external_id == "zomato:29457375"
    assert items[0].published_at == datetime.fromtimestamp(1486794105, UTC)
    assert items[1].author is not None and items[1].author.handle == "Maher Koussa"


def test_saved_feed_files_import_like_polled_feeds() -> None:
    items = list(iter_file(DATA / "google_alerts_atom_slack.xml"))
    assert len(items) == 20
    assert "google.com/url" not in (items[0].url or "")


def test_rows_without_id_or_url_get_a_stable_content_id() -> None:
    csv = "text,author\nHorizon never fixed the heating,ana\nHorizon never fixed the heating,bo\n"
    once = parse(csv, fmt="csv")
    again = parse(csv.encode(), fmt="csv")
    assert [m.external_id for m in once] == [m.external_id for m in again]
    assert once[0].external_id != once[1].external_id


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("text", r"not field=column"),
        ("txt=review", r"unknown field 'txt'"),
    ],
)
def test_bad_column_maps_are_explained(spec: str, message: str) -> None:
    with pytest.raises(BadSource, match=message):
        parse_column_map(spec)


def test_a_mapped_column_that_does_not_exist_is_explained() -> None:
    with pytest.raises(BadSource, match=r"no column 'body'"):
        parse("text,author\nx,y\n", fmt="csv", column_map="text=body")
    with pytest.raises(BadSource, match=r"no text column found"):
        parse("a,b\nx,y\n", fmt="csv")


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadSource, match="cannot tell the format"):
        list(iter_file(shutil.copy(DATA / "reviews.csv", tmp_path / "reviews.dat")))
    with pytest.raises(BadSource, match="no such file"):
        list(iter_file(tmp_path / "missing.csv"))


def test_import_source_skips_an_unchanged_file(tmp_path: Path) -> None:
    path = Path(shutil.copy(DATA / "reviews_cp1252.csv", tmp_path / "export.csv"))
    spec = SourceSpec(kind="import", target=str(path), params={"platform": "tripadvisor"})
    with Fetcher() as fetcher:
        first = fetch_source(fetcher, spec, SourceState())
        assert len(first.items) == 1 and first.items[0].platform == "tripadvisor"
        second = fetch_source(fetcher, spec, SourceState(cursor=first.cursor))
        assert second.not_modified and second.items == []


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_bytes_cp1252_leaves_undefined_never_stop_a_file(tmp_path: Path, suffix: str) -> None:
    # 0x81, 0x8D, 0x8F, 0x90 and 0x9D have no character in Windows-1252: read as Latin-1.
    if suffix == ".csv":
        data = b'review,date\n"Acme caf\xe9 terrible \x81\x8d\x8f\x90\x9d end",2026-11-20\n'
    else:
        data = b'{"review": "Acme caf\xe9 terrible \x81\x8d\x8f\x90\x9d end"}\n'
    path = tmp_path / f"cp{suffix}"
    path.write_bytes(data)
    (item,) = iter_file(path)
    assert item.text.startswith("Acme café terrible")
    assert item.text.endswith("end")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_excel_unicode_text_and_utf8_with_bom_are_read(tmp_path: Path, encoding: str) -> None:
    text = "review\tuser\tstars\r\nTrès déçu par Acme – aucun suivi\tzoë\t1\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "unicode.tsv"
    path.write_bytes(data)
    (item,) = iter_file(path)
    assert item.text == "Très déçu par Acme – aucun suivi"
    assert item.author is not None and item.author.handle == "zoë"
    assert item.raw == {"rating": 1.0}
    (again,) = parse(data, fmt="csv")
    assert again.text == item.text


def test_a_row_without_text_is_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "stars.jsonl"
    path.write_text(
        '{"id": "1", "review": "Acme was cold", "stars": 2}\n'
        '{"id": "2", "review": "", "stars": 5}\n'
        '{"id": "3", "stars": 4}\n'
    )
    skipped = Skipped()
    items = list(iter_file(path, skipped=skipped))
    assert [m.external_id for m in items] == ["import:1"]
    assert skipped.without_text == 2
    assert skipped.line() == "2 rows without text skipped"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.csv", 'review,stars\n,5\n"  ",4\n'),
        ("empty.jsonl", '{"review": "", "stars": 5}\n'),
        ("empty.json", '[{"review": null, "stars": 5}]'),
    ],
)
def test_a_file_where_no_row_has_text_is_refused(tmp_path: Path, name: str, data: str) -> None:
    path = tmp_path / name
    path.write_text(data)
    with pytest.raises(BadSource, match=rf"^{name}: no row has text"):
        list(iter_file(path))


def test_import_source_takes_its_column_map_as_map_or_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("rid,body_text\nr1,Acme lost my booking\n")
    for key in ("map", "columns"):
        spec = SourceSpec(kind="import", target=str(path), params={key: "text=body_text,id=rid"})
        with Fetcher() as fetcher:
            (item,) = fetch_source(fetcher, spec, SourceState()).items
        assert item.external_id == "import:r1"
    both = {"map": "text=body_text", "columns": "text=rid"}
    with Fetcher() as fetcher, pytest.raises(BadSource, match="map or columns"):
        fetch_source(
            fetcher, SourceSpec(kind="import", target=str(path), params=both), SourceState()
        )


def test_import_source_reports_rows_without_text_as_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("review,stars\nAcme lost my booking,1\n,5\n")
    with Fetcher() as fetcher:
        page = fetch_source(fetcher, SourceSpec(kind="import", target=str(path)), SourceState())
    assert len(page.items) == 1
    assert page.warning == "1 row without text skipped"

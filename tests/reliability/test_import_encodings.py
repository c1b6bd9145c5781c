"""A CSV appended to by two tools mixes UTF-8 and Windows-1252 rows (issue 15, finding 5): each
row keeps its own text ("café" stays "café"), decided row by row, never "cafÃ©"."""

from __future__ import annotations

from pathlib import Path

import pytest

from douse.core.ingest.adapters.files import iter_file

ROWS = [
    ("utf-8", "Le café de Horizon était froid"),
    ("cp1252", "Horizon: crème brûlée ratée, très déçu"),
    ("utf-8", "Horizon naïve façade — “quotes” and €5"),
    ("cp1252", "Horizon: 20 € pour un café – scandaleux"),
]


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_each_row_is_decoded_on_its_own(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"mixed.{kind}"
    with path.open("wb") as out:
        if kind == "csv":
            out.write(b"id,text,author\n")
        for n, (encoding, text) in enumerate(ROWS):
            if kind == "csv":
                line = f'{n},"{text}",someone\n'
            else:
                # Written by hand so the non-ASCII text stays raw bytes, as another tool wrote it.
                line = f'{{"id": "{n}", "text": "{text}", "author": "someone"}}\n'
            out.write(line.encode(encoding))
    texts = [item.text for item in iter_file(path, fmt=kind)]
    assert texts == [text for _, text in ROWS]
    assert not any("Ã" in text for text in texts)


def test_a_file_all_in_one_encoding_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("id,text\n1,Horizon café\n2,Horizon ‘déçu’\n".encode("cp1252"))
    assert [item.text for item in iter_file(path)] == ["Horizon café", "Horizon ‘déçu’"]

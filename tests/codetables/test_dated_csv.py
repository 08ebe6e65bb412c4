"""The dated CSV reader shared by the code tables and the tariff rates.

What the tests of the two packages do not show: which characters end a row, and that a
file of nothing but comments is refused for having no header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codetables.dated_csv import read_rows


class Refusal(Exception):
    def __init__(self, file: str, line: int | None, problem: str) -> None:
        super().__init__(file, line, problem)
        self.line = line
        self.problem = problem


COLUMNS = ("code", "note")


def test_only_newline_carriage_return_or_both_end_a_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("code,note\r\n1,a\u2028b\r2,c\u0085d\n\n3,e\x0cf".encode())
    assert list(read_rows(path, COLUMNS, Refusal)) == [
        (2, ["1", "a\u2028b"]),
        (3, ["2", "c\u0085d"]),
        (5, ["3", "e\x0cf"]),
    ]


def test_a_file_without_a_header_is_refused_with_the_callers_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(Refusal) as caught:
        list(read_rows(path, COLUMNS, Refusal))
    assert (caught.value.line, caught.value.problem) == (None, "no header row code,note")

"""Reading departments' list files: sheets, header detection, data rows.

``read_list_file`` turns an xlsx / xls / csv file into ``ListSheet`` objects whose
rows carry the 1-based row number Excel shows (for csv: the line number), with
the header row found by scanning the top rows for known column names.
"""

from sampling.listfile.headers import FIELDS, HeaderMatch, find_header, normalise_header
from sampling.listfile.reader import (
    DataRow,
    ListFileError,
    ListSheet,
    SheetSkip,
    read_list_file,
    sha256_file,
)

__all__ = [
    "FIELDS",
    "DataRow",
    "HeaderMatch",
    "ListFileError",
    "ListSheet",
    "SheetSkip",
    "find_header",
    "normalise_header",
    "read_list_file",
    "sha256_file",
]

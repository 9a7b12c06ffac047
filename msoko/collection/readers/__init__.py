"""Safe reading of uploaded spreadsheets into Polars frames of strings (no Django here).

`inspect.check_file` looks at a file before any parser touches it (extension against magic
bytes, zip structure, XML prolog, declared dimension, formulas, merged header cells, external
links, several sheets); `table.read_table` then reads the single sheet or the CSV into a frame
whose columns are the header cells and whose values are strings, with the spreadsheet row
number in the column ``__row``.
"""

from msoko.collection.readers.errors import ReadError
from msoko.collection.readers.table import Table, read_table

__all__ = ["ReadError", "Table", "read_table"]

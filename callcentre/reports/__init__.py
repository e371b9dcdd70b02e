"""Workbook and CSV writers (DESIGN §3): every file the tool writes for people.

- :mod:`~callcentre.reports.cells`: text made safe for a cell (formulas quoted,
  characters XML cannot hold replaced);
- :mod:`~callcentre.reports.atomic`: a file written whole or not at all, with a
  Chinese message naming the path when it cannot be;
- :mod:`~callcentre.reports.xlsx`: the streaming xlsx writer (widths, frozen
  header, autofilter); :mod:`~callcentre.reports.csv_file`: the CSV writer;
- :mod:`~callcentre.reports.notes`: the 说明 sheet every workbook carries;
- :mod:`~callcentre.reports.sample_export`: the sample export workbook.

The check workbook's rows and columns are gathered in
:mod:`callcentre.importer.check_report`, which writes through these.
"""

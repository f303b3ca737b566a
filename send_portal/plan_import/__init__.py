"""Bring your own plan: import priorities, actions and indicators from an XLSX or CSV file, with a column
mapping and a full preview before anything is written, and export the plan in the same shape.

- files.py reads a workbook or CSV safely into sheets of rows (bad files refused with a clear message);
- fields.py names the portal's fields and guesses which column holds which;
- values.py reads what real plans write: dates at any precision, RAG words, units in words;
- importer.py turns the rows into a Preview (every problem, warning and change) and applies it;
- export.py writes the plan, or a blank template, as a workbook the importer reads back unchanged.
"""

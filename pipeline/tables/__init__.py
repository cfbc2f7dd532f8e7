"""Tables: found in a parsed document, read as records of a schema's nested list field.

``grid`` finds tables: from the table elements of office formats (their cells
carry offsets) and, for PDFs and scans, by clustering word boxes into lines,
column segments and header-defined column bands. ``records`` maps a table's
columns to a record's fields (description, quantity, unit price, amount, tax
rate) by their header labels (the record's aliases), else by the kinds of
values below them, and reads each row as a record whose every value keeps its
own evidence span.
"""

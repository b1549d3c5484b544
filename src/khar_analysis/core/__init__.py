"""core: what every layer needs and that knows nothing of this project's data.

Paths and the project file, atomic writes, validated records, layout checks, workbook cells, the country
mapping, dates (intervals, three-valued logic, URL dates) and plots. Imports nothing above it.
"""

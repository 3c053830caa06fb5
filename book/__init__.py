"""The Co-production Casebook: data access, charts, models and build tooling.

Chapters import from here and never read files or style charts themselves:
`book.data` (datasets), `book.charts` (chart vocabulary), `book.tables` (tables).
"""

"""The store: engines and their pragmas, tables, the unit of work, prepared statements, and
every place where SQLite and PostgreSQL differ."""

"""The case store: SQLAlchemy 2 tables, an engine factory, repositories and migrations."""

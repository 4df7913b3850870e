"""Persistence: the connection, the migration runner and repositories. SQL lives only here."""

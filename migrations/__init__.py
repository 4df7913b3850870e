"""The database schema: forward-only SQL files `NNNN_name.sql`, applied in order.

This package holds no code. The files are its package data, so they ship inside the wheel, and
`bot.storage.migrations` reads them with `importlib.resources.files("migrations")`.
"""

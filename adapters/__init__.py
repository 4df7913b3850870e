"""Thin platform adapters: platform event -> Actor + input -> App -> Reply -> platform."""

"""Importers that turn external tables (CBS StatLine) into tidy input data."""

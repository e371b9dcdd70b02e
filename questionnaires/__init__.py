"""Questionnaires: the item catalogue, the XLSForm reader, expressions, the
interview engine and the bundled question bank.

Pure: imports neither Textual nor the database layer (checked by a test). The
only application module it may use is :mod:`callcentre.i18n` for messages.
"""

"""Survey call centre: store, import, fieldwork, dashboard and reports.

Kept free of imports so that ``callcentre.i18n`` can be used by the pure packages
(``sampling``, ``questionnaires``) without pulling in the database or Textual.
"""

__version__ = "0.1.0"

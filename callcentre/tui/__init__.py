"""The caller's terminal screens (Textual). Only this package imports Textual, and this
``__init__`` does not, so importing ``callcentre.tui`` stays cheap for the command line.

Entry point: :class:`callcentre.tui.app.CallerApp` (``callcentre tui``)."""

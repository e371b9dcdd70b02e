"""Use cases: what the command line, the TUI and the tests call alike.

Conventions (DESIGN §3):

- one module per job; functions take keyword-only arguments, among them the
  ``session`` (a SQLModel ``Session``) and the acting user (:class:`Actor`);
- each service owns its transaction: it begins it (writers with
  :func:`callcentre.db.engine.begin_write`, so SQLite's lock is taken up front and
  PostgreSQL's rows are locked with ``FOR UPDATE``), commits it, and rolls back
  on error;
- each checks the actor's permission first (:func:`callcentre.services.actor.require`)
  and writes its audit row (:func:`callcentre.services.audit.record`) in the same
  transaction as the change it records;
- errors are :mod:`callcentre.errors` types carrying a message key; no click,
  rich or textual here, and no printing: results are returned as dataclasses.
"""

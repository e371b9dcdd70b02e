"""SQL below the services: query functions with keyword-only arguments taking a
``session`` (or a Core connection). They neither commit nor check roles: the
calling service owns the transaction."""

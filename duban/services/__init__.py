"""The only write path: ``verb_noun(session, …, *, actor)``, called inside ``Store.write()``."""

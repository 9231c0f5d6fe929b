"""Exchange: the ledger, reports and the plan as Excel and Word files, and workbooks read back.

Pure like ``plandoc``: plain data in, file bytes out; uploaded bytes in, checked rows out. No
database, web or CLI here (an import-linter contract). ``queries`` gathers the data, ``services``
stores what an upload brings, ``web`` and ``cli`` hand the bytes over.
"""

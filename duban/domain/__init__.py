"""The ledger's pure core: vocabularies, reporting periods, the status engine, target pace and
scorecards. Plain data in, plain data out; no I/O, and nothing imported beyond the standard
library and this package.
"""

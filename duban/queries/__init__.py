"""The read side: status, registry, scorecards; set-based where the data grows."""

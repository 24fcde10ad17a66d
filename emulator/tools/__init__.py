"""Developer tools: coverage tables and the packaged operation lists (``make coverage``)."""

"""Sources of articles: RSS/Atom feeds and article pages over HTTP, files from ``content/``.

Feed ingestion flows fetch (``http``) -> parse (``feeds``) -> page text when the entry is
only a teaser (``pages``) -> the article core -> store (``ingest``); ``poll`` runs it on the
scheduler.
"""

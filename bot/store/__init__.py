"""SQLite storage: connection and migrations, articles, search, sources, subscriptions."""

"""Pure article processing: clean, extract, summarise; the Article type."""

"""One reply layer for every front end: a command in, a Reply (HTML parts and buttons) out."""

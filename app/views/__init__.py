"""One view per route; see `app.routes`."""

"""The web application: server-rendered pages and the JSON API under /api/v1."""

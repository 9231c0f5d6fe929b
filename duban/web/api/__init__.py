"""The JSON API under ``/api/v1``: plans, tasks, status, units, the signed-in user, reports.

It signs in with the same session cookie as the pages, and every unsafe method needs the session's
CSRF token in the ``X-CSRF-Token`` header. (Machine clients without a browser session — a token
scheme — are not served yet.) Errors are ``{"error": "<中文>", "status": N}``.
"""

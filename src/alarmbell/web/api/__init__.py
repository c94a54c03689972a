"""The JSON API: the same page data as the HTML pages, under /api/v1."""

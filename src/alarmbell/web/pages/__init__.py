"""Page data: each page's content built once, then rendered as HTML or returned as JSON."""

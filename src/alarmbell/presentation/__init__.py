"""Pure presentation helpers shared by the web pages and the review reports: labels, dates,
and server-side SVG pictures. No storage, no web framework."""

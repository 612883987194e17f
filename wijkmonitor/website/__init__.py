"""The site layer: renders computed results into Markdown pages, charts and a static site."""

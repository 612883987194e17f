"""The project's own documents, shipped with the package: ``methods.md`` is the site's
"Verantwoording" (see wijkmonitor/website/page_methods.py)."""

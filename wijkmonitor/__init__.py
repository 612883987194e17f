"""wijkmonitor: neighbourhood statistics in, a public monitor website out."""

__version__ = "0.1.0"

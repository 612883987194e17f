import sys

try:
    from wijkmonitor.entry import run
except KeyboardInterrupt:  # Ctrl+C in the first microseconds: still no traceback
    sys.exit(130)

sys.exit(run())

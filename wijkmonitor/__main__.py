import os
import sys

try:
    from wijkmonitor.entry import main
except KeyboardInterrupt:  # Ctrl+C in the first milliseconds: still one line
    sys.stderr.write("wijkmonitor: interrupted\n")
    sys.stderr.flush()
    os._exit(130)

main()

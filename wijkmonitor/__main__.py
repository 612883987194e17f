from wijkmonitor.cli import main

raise SystemExit(main())

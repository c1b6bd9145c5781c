from douse.tui.cli.main import main

raise SystemExit(main())

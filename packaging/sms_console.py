"""What the frozen program runs: the ``sms-console`` command of the installed package."""

from console.cli.main import main

raise SystemExit(main())

"""`python -m alarmbell.cli`: the `alarmbell` command without the installed script."""

from alarmbell.cli import main

if __name__ == "__main__":
    main()

"""`python -m alarmbell`: the `alarmbell` command without the installed script (a checkout on
PYTHONPATH, a container with only the package), with the same commands and exit statuses.

Run only as a program: importing the module (as the architecture tests import every module)
must not parse the importer's command line."""

from alarmbell.cli import main

if __name__ == "__main__":
    main()

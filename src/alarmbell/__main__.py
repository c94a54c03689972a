"""`python -m alarmbell`: the `alarmbell` command without the installed script (a checkout on
PYTHONPATH, a container with only the package), with the same commands and exit statuses."""

from alarmbell.cli import main

main()

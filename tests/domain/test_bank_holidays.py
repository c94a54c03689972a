"""England's bank holidays come from a stored table for the years it covers, so counting working
days (every review and queue clock) does not import the `holidays` package and all its countries;
the table must still say exactly what the package says."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from alarmbell.domain import working_days
from alarmbell.domain.working_days import bank_holiday_name, is_working_day, package_table


def test_the_stored_table_says_what_the_holidays_package_says() -> None:
    stored = json.loads(working_days.TABLE.read_text(encoding="utf-8"))
    assert stored["first_year"] <= 2000 and stored["last_year"] >= 2035
    fresh = package_table(stored["first_year"], stored["last_year"])
    assert stored == fresh, (
        f"{working_days.TABLE} is out of date with the installed `holidays` package: "
        "run `python -m alarmbell.domain.working_days` to rewrite it"
    )


def test_counting_working_days_in_the_table_years_imports_no_holidays_package() -> None:
    code = (
        "import sys\nfrom datetime import date\n"
        "from alarmbell.domain.working_days import add_working_days, bank_holiday_name\n"
        "assert add_working_days(date(2012, 6, 1), 1) == date(2012, 6, 6)\n"
        "assert bank_holiday_name(date(2012, 6, 5)) == 'Diamond Jubilee of Elizabeth II'\n"
        "print('holidays' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_years_beyond_the_table_are_asked_of_the_package() -> None:
    last = json.loads(working_days.TABLE.read_text(encoding="utf-8"))["last_year"]
    christmas = date(last + 6, 12, 25)
    assert bank_holiday_name(christmas) == "Christmas Day"
    assert not is_working_day(date(1959, 12, 25))  # a Friday, before the table
    assert is_working_day(date(1959, 12, 24))

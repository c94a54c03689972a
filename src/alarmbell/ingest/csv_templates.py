"""The columns of each CSV template, as docs/formats documents them, with what each cell must hold.

One list per format serves three ends: a header is matched against it (case, spaces and
punctuation ignored, so `ConcernID`, `Concern ID` and `concern_id` are one column, as are
`U.P.N.` and `UPN`); a column the template does not know is reported once as ignored, never
dropped silently; and every typed cell of a row is checked, so a row reports all its bad
cells at once rather than one per attempt. A test holds each list to its docs page.

Only the cell's form is checked here (a date, a whole number, Yes/No, a sex); what a value
means (a category, a DASH answer, a UPN's check letter) is the format module's to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["text", "date", "moment", "time", "integer", "number", "yes_no", "sex"]


KEYS: dict[str, str] = {}
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def column_key(header: str) -> str:
    """`Body Map Site`, `body_map_site` and `BodyMapSite` are one column: exports vary in spelling.

    Memoised in a plain dict: every cell lookup passes through here. Headers are few; the
    dict is cleared if a stream of odd names ever grows it past a bound.
    """
    key = KEYS.get(header)
    if key is None:
        if len(KEYS) > 10_000:
            KEYS.clear()
        key = KEYS[header] = _NOT_KEY.sub("", header.strip().lower())
    return key


@dataclass(frozen=True)
class Column:
    """A documented column; `aliases` are other headers the format reads in its place (documented
    as "Name (or Other, ...)"); only the documented name's cells are checked by kind.

    `system_names` are the headers case-management systems export for the same column (Niche's
    `Occurrence Number`, CPOMS's `Incident ID`): documented with the aliases, but read as the
    column itself, so its cells are checked by kind and every reading of the column sees them;
    the header says once which column each was read as (csv_reader).
    """

    header: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    system_names: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return column_key(self.header)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(column_key(h) for h in (self.header, *self.aliases, *self.system_names))


def _columns(*columns: Column | str) -> tuple[Column, ...]:
    return tuple(c if isinstance(c, Column) else Column(c) for c in columns)


_PUPIL: Final[tuple[Column | str, ...]] = (
    "Surname",
    "Forename",
    Column("Student", system_names=("Student Name", "Pupil", "Pupil Name")),
    Column("Date of Birth", "date", aliases=("DOB",)),
    Column("Gender", "sex"),
    "Postcode",
    "School",
)

_SAFEGUARDING: Final[Column] = Column(
    "Safeguarding Concern",
    system_names=(
        "Safeguarding",
        "Safeguarding Concerns",
        "Safeguarding Flag",
        "EC Safeguarding Concern",
        "Safeguarding Concern Flag",
    ),
)


def _patient(local_id: Column) -> tuple[Column, ...]:
    """A health extract's patient columns: NHS number, the system's own id, names, birth, sex."""
    return _columns(
        "NHS Number",
        local_id,
        Column("Surname", system_names=("Family Name", "Last Name", "Patient Surname")),
        Column("Forename", system_names=("First Name", "Forenames", "Given Name", "Patient Forename")),
        Column("Date of Birth", "date", system_names=("DOB", "Birth Date", "Person Birth Date")),
        Column("Gender", "sex", system_names=("Sex", "Person Stated Gender")),
        "Postcode",
    )


TEMPLATES: Final[dict[str, tuple[Column, ...]]] = {
    "school-concerns-csv": _columns(
        Column(
            "Concern ID",
            required=True,
            system_names=("Incident ID", "Incident Number", "Incident Ref", "Concern Number", "Concern Ref"),
        ),
        Column(
            "Date",
            "moment",
            required=True,
            system_names=(
                "Date/Time",
                "Incident Date",
                "Incident Date/Time",
                "Concern Date",
                "Date of Concern",
            ),
        ),
        Column("Time", "time", system_names=("Incident Time",)),
        Column("UPN", required=True),
        *_PUPIL,
        "Year Group",
        Column(
            "Category",
            required=True,
            system_names=("Categories", "Incident Category", "Concern Category", "Concern Type"),
        ),
        Column("Body Map Site", system_names=("Body Map", "Body Map Location", "Body Map Sites")),
        Column(
            "Concern",
            system_names=("Incident", "Incident Details", "Incident Description", "Concern Details"),
        ),
        Column("Action Taken", system_names=("Actions", "Actions Taken")),
        "DSL",
        Column("Recorded By", system_names=("Reported By", "Logged By", "Added By")),
    ),
    "school-attendance-csv": _columns(
        Column("UPN", required=True),
        *_PUPIL,
        "Term",
        Column("Period Start", "date", required=True),
        Column("Period End", "date", required=True),
        Column("Sessions Possible", "integer", required=True),
        Column("Sessions Missed", "integer", required=True),
        Column("Authorised Absence", "integer"),
        Column("Unauthorised Absence", "integer"),
    ),
    "police-csv": _columns(
        Column(
            "Occurrence Ref",
            required=True,
            system_names=(
                "Occurrence Number",
                "Occurrence No",
                "Occurrence Reference",
                "Occurrence ID",
                "Occ No",
                "Occ Ref",
            ),
        ),
        Column(
            "Occurrence Date",
            "moment",
            required=True,
            system_names=(
                "Begin Date",
                "Begin Date/Time",
                "Committed From",
                "First Committed",
                "Incident Date",
            ),
        ),
        Column("Occurrence Time", "time", system_names=("Begin Time", "Incident Time")),
        Column(
            "Recorded Date",
            "moment",
            system_names=("Reported Date", "Reported Date/Time", "Date Reported", "Created Date"),
        ),
        Column(
            "Occurrence Type",
            required=True,
            system_names=("Occurrence Classification", "Occ Type", "Incident Type", "Classification"),
        ),
        Column("Offence", system_names=("Offence Description", "Offence Title", "Offence Name")),
        Column(
            "Offence Code",
            system_names=("HO Class", "HO Code", "HO Offence Code", "Home Office Code"),
        ),
        "Location Postcode",
        Column("Officer", system_names=("OIC", "Officer in Case", "Officer in Charge")),
        Column("Summary", system_names=("MO / Summary", "MO", "Occurrence Summary", "Circumstances")),
        Column(
            "DASH Officer Grade",
            aliases=(
                "DASH Grade",
                "DASH Risk",
                "DASH Risk Level",
                "DASH Risk Grade",
                "Risk Grade",
                "Risk Level",
            ),
        ),
        Column("DASH Score", aliases=("DASH Total", "DASH Total Score")),
        Column("Alcohol", "yes_no", system_names=("Alcohol Involved", "Alcohol Related")),
        Column("Drugs", "yes_no", system_names=("Drugs Involved", "Drugs Related")),
        Column(
            "Nominal Ref",
            required=True,
            system_names=("Nominal Number", "Nominal No", "Nominal ID", "Nominal Reference"),
        ),
        Column(
            "Role",
            required=True,
            system_names=("Involvement Type", "Involvement", "Nominal Role", "Nominal Involvement"),
        ),
        Column("Surname", required=True, system_names=("Family Name", "Last Name")),
        Column("Forename", required=True, system_names=("Forenames", "First Name", "Given Name")),
        Column("DOB", "date", system_names=("Date of Birth", "Birth Date")),
        Column("Sex", "sex", system_names=("Gender",)),
        "Postcode",
        "Address",
        Column("Relationship To Victim", aliases=("Relationship",)),
        *(f"Q{n}" for n in range(1, 28)),
    ),
    "csc-contacts-csv": _columns(
        Column("Person ID", required=True, system_names=("Child ID", "Client ID", "LCS ID", "Mosaic ID")),
        "Forename",
        "Surname",
        Column("DOB", "date", system_names=("Date of Birth",)),
        Column("Gender", "sex"),
        "UPN",
        "NHS Number",
        Column("Contact ID", required=True),
        Column("Contact Date", "moment", required=True),
        "Contact Source",
        "Contact Reason",
        "Contact Outcome",
        Column("Referral Date", "moment"),
        "Referral Outcome",
        Column("Strategy Discussion Date", "moment"),
        Column("S47 Start Date", "date"),
        "S47 Outcome",
        Column("ICPC Date", "date"),
        Column("CP Plan Start Date", "date"),
        Column("CP Plan End Date", "date"),
        "CP Category",
        "Allocated Worker",
        "Team",
    ),
    "health-ed-csv": (
        Column(
            "Attendance ID",
            required=True,
            system_names=(
                "Attendance Identifier",
                "EC Attendance ID",
                "Attendance Number",
                "Attendance No",
                "ED Attendance ID",
            ),
        ),
        *_patient(Column("Hospital Number", system_names=("MRN", "Local Patient ID", "Unit Number"))),
        Column(
            "Arrival Date", "moment", required=True, system_names=("Arrival Date/Time", "EC Arrival Date")
        ),
        Column("Arrival Time", "time", system_names=("EC Arrival Time",)),
        *_columns(
            "Arrival Mode",
            Column("Chief Complaint", system_names=("EC Chief Complaint", "Presenting Complaint")),
            Column("Injury Date", "date", system_names=("EC Injury Date",)),
            Column("Injury Mechanism", system_names=("EC Injury Mechanism", "Mechanism of Injury")),
            Column("Injury Intent", system_names=("EC Injury Intent",)),
            Column("Injury Place", system_names=("Place of Injury", "EC Place Type")),
            Column("Diagnosis", system_names=("Primary Diagnosis", "EC Diagnosis", "Diagnosis 1")),
            Column(
                "Secondary Diagnosis",
                system_names=(
                    "Diagnosis 2",
                    "Secondary Diagnoses",
                    "Other Diagnoses",
                    "Additional Diagnoses",
                ),
            ),
            Column("Anatomical Side", system_names=("Side", "Diagnosis Side", "Laterality")),
            _SAFEGUARDING,
            Column(
                "Discharge Destination", system_names=("EC Discharge Destination", "Discharge", "Disposal")
            ),
            Column("Clinician Notes", system_names=("Clinical Notes", "Notes", "Free Text", "Comments")),
            Column("Seen By", system_names=("Clinician", "Seen By Clinician")),
        ),
    ),
    "health-community-csv": (
        Column(
            "Event ID",
            required=True,
            system_names=("Contact ID", "Activity ID", "Encounter ID", "Event Reference"),
        ),
        *_patient(Column("Patient ID", system_names=("SystmOne ID", "EMIS Number", "Local Patient ID"))),
        Column("Event Date", "moment", required=True, system_names=("Contact Date", "Event Date/Time")),
        Column("Event Time", "time", system_names=("Contact Time",)),
        *_columns(
            Column("Service", system_names=("Team", "Service Name", "Caseload")),
            Column("Contact Type", system_names=("Event Type", "Visit Type", "Activity", "Contact Reason")),
            Column("Location", system_names=("Venue", "Contact Location")),
            Column("Outcome", system_names=("Contact Outcome", "Event Outcome", "Attendance Status")),
            Column("Weight (kg)", "number", system_names=("Weight", "Weight in kg")),
            Column("Height (cm)", "number", system_names=("Height", "Length (cm)", "Length")),
            Column("Weight Centile", system_names=("Centile", "Weight Percentile")),
            _SAFEGUARDING,
            Column(
                "Notes", system_names=("Event Details", "Summary", "Clinical Notes", "Comments", "Narrative")
            ),
            Column("Staff Member", system_names=("Done By", "Event Done By", "Practitioner", "Clinician")),
        ),
    ),
    "health-wnb-csv": (
        *_patient(
            Column("Hospital Number", system_names=("MRN", "Local Patient ID", "Unit Number", "PAS Number"))
        ),
        Column(
            "Appointment ID",
            required=True,
            system_names=("Appointment Number", "Appt ID", "Booking Reference", "Appointment Ref"),
        ),
        Column("Appointment Date", "moment", required=True, system_names=("Appt Date", "Clinic Date")),
        Column("Appointment Time", "time", system_names=("Appt Time", "Clinic Time")),
        *_columns(
            Column(
                "Specialty", system_names=("Specialty Description", "Treatment Function", "Main Specialty")
            ),
            Column("Clinic Name", system_names=("Clinic", "Clinic Description")),
            Column("Appointment Type", system_names=("Appt Type", "New/Follow Up", "First/Follow Up")),
            Column("Consultant", system_names=("Consultant Name", "Lead Clinician")),
            Column(
                "Attend Code",
                system_names=("Attended or Did Not Attend", "Attendance Code", "Attended/DNA Code"),
            ),
            Column(
                "Attend Status",
                system_names=("Attendance Status", "Attendance Outcome", "Appointment Status", "Outcome"),
            ),
            Column("Comments", system_names=("Notes", "Appointment Comments")),
        ),
    ),
    "cin-csv": _columns(
        Column("LEA", required=True),
        Column("LAchildID", required=True),
        "UPN",
        "UPNunknown",
        Column("PersonBirthDate", "date"),
        Column("ExpectedPersonBirthDate", "date"),
        "GenderCurrent",
        Column("PersonDeathDate", "date"),
        "Ethnicity",
        "Disabilities",
        Column("CINreferralDate", "date", required=True),
        Column("Step", required=True),
        Column("Date", "date", required=True),
        Column("EndDate", "date"),
        "Code",
        "PrimaryNeed",
        Column("NFA", "yes_no"),
        "Factors",
        Column("ICPCTarget", "date"),
        Column("ICPCDate", "date"),
        Column("ICPCNotRequired", "yes_no"),
        "LatestCategory",
        Column("PreviousPlans", "integer"),
    ),
}

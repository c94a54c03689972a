"""Invented name lists for synthetic people, with nicknames and diacritic folding.

The lists are written by hand from common names in England and in the Polish, Irish, Turkish
and Portuguese communities, so that diacritics (and letters such as ł and ı that Unicode
decomposition does not fold) appear in realistic proportions. Names only: no ethnicity field is
ever generated. Every combination is synthetic.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from importlib import resources
from typing import Final

GIVEN_F: Final[tuple[str, ...]] = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Evie",
    "Poppy",
    "Emily",
    "Ella",
    "Charlotte",
    "Jessica",
    "Kayleigh",
    "Rebecca",
    "Sarah",
    "Laura",
    "Emma",
    "Hannah",
    "Chloe",
    "Lauren",
    "Amy",
    "Danielle",
    "Stacey",
    "Gemma",
    "Katherine",
    "Elizabeth",
    "Margaret",
    "Jennifer",
    "Abigail",
    "Leah",
    "Megan",
    "Courtney",
    "Shannon",
    "Jade",
    "Zofia",
    "Małgorzata",
    "Katarzyna",
    "Agnieszka",
    "Siobhán",
    "Niamh",
    "Aoife",
    "Caoimhe",
    "Róisín",
    "Ayşe",
    "Elif",
    "Zeynep",
    "Gülşen",
    "Inês",
    "Conceição",
    "Beatriz",
    "Amira",
    "Fatima",
    "Priya",
    "Aisha",
)
GIVEN_M: Final[tuple[str, ...]] = (
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Jack",
    "Charlie",
    "Freddie",
    "Theo",
    "Alfie",
    "Thomas",
    "William",
    "James",
    "Daniel",
    "Joseph",
    "Samuel",
    "Michael",
    "Christopher",
    "Anthony",
    "Matthew",
    "Robert",
    "Alexander",
    "Liam",
    "Connor",
    "Kyle",
    "Jordan",
    "Ryan",
    "Lewis",
    "Callum",
    "Dean",
    "Wayne",
    "Lee",
    "Craig",
    "Tomasz",
    "Łukasz",
    "Paweł",
    "Aleksander",
    "Seán",
    "Ciarán",
    "Pádraig",
    "Oisín",
    "Mehmet",
    "Gökhan",
    "Barış",
    "Emre",
    "João",
    "Gonçalo",
    "Tiago",
    "Omar",
    "Yusuf",
    "Arjun",
    "Kofi",
)
FAMILY: Final[tuple[str, ...]] = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodriguez",
    "Cox",
    "Fletcher",
    "Whitfield",
    "Brennan",
    "Hughes",
    "Price",
    "Turner",
    "Harris",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Bennett",
    "Carter",
    "Kowalczyk",
    "Wiśniewska",
    "Wójcik",
    "Nowak",
    "Kamiński",
    "Zieliński",
    "Ó Briain",
    "O'Súilleabháin",
    "Ní Bhriain",
    "Ó Conchúir",
    "Murphy",
    "Kelly",
    "Byrne",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Şahin",
    "Doğan",
    "Gonçalves",
    "Simões",
    "Magalhães",
    "Araújo",
    "Fernandes",
    "Begum",
    "Hussain",
    "Ahmed",
    "Mensah",
    "Okafor",
)


def _variants(filename: str) -> dict[str, tuple[str, ...]]:
    """A two-column package CSV (name, form) as name -> its forms, in file order."""
    text = resources.files("alarmbell.synth").joinpath("data", filename).read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        if row:
            found.setdefault(row[0], []).append(row[1])
    return {name: tuple(forms) for name, forms in found.items()}


#: Short and familiar forms agencies record instead of the registered name (a small UK table,
#: data/nicknames.csv): Kayleigh/Kay, William/Bill, Małgorzata/Gosia, Seán/Shaun...
NICKNAMES: Final[dict[str, tuple[str, ...]]] = _variants("nicknames.csv")
#: Other spellings of the same name in the Latin alphabet (data/transliterations.csv): romanised
#: Arabic and Turkish names, anglicised Irish and Polish ones (Yusuf/Yousef, Niamh/Neve,
#: Ó Briain/O'Brien, Wójcik/Wojcik).
TRANSLITERATIONS: Final[dict[str, tuple[str, ...]]] = _variants("transliterations.csv")

#: Letters NFKD decomposition leaves alone but English-keyboard systems still replace.
_EXTRA_FOLD: Final[dict[int, str]] = {
    ord("ł"): "l",
    ord("Ł"): "L",
    ord("ı"): "i",
    ord("ø"): "o",
    ord("Ø"): "O",
    ord("đ"): "d",
    ord("ß"): "ss",
}


def fold_diacritics(name: str) -> str:
    """What a system without Unicode support stores: accents dropped, ł -> l, ı -> i."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_EXTRA_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: Precomputed so the hot path never calls unicodedata.
FOLDED: Final[dict[str, str]] = {
    n: fold_diacritics(n) for n in (*GIVEN_F, *GIVEN_M, *FAMILY) if fold_diacritics(n) != n
}

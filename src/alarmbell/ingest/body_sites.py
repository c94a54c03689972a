"""Body-map sites: one vocabulary for school concern logs, the web form's body map and the API.

Left and right are the child's own, as on every body map practitioners use (the front view
shows the child's left on the viewer's right). Ears, neck and torso are listed separately
because bruising there in a young child is a recognised warning sign (the TEN-4 rule).
"""

from __future__ import annotations

from typing import Final

#: site id -> (label, view). Views: front or back.
BODY_SITES: Final[dict[str, tuple[str, str]]] = {
    "head": ("Head (top and forehead)", "front"),
    "face": ("Face", "front"),
    "left_ear": ("Left ear", "front"),
    "right_ear": ("Right ear", "front"),
    "neck": ("Neck (front)", "front"),
    "chest": ("Chest", "front"),
    "abdomen": ("Abdomen", "front"),
    "genitals": ("Genital area", "front"),
    "left_upper_arm": ("Left upper arm", "front"),
    "right_upper_arm": ("Right upper arm", "front"),
    "left_forearm": ("Left forearm", "front"),
    "right_forearm": ("Right forearm", "front"),
    "left_hand": ("Left hand", "front"),
    "right_hand": ("Right hand", "front"),
    "left_thigh": ("Left thigh", "front"),
    "right_thigh": ("Right thigh", "front"),
    "left_lower_leg": ("Left lower leg", "front"),
    "right_lower_leg": ("Right lower leg", "front"),
    "left_foot": ("Left foot", "front"),
    "right_foot": ("Right foot", "front"),
    "back_of_head": ("Back of head", "back"),
    "back_of_neck": ("Back of neck", "back"),
    "upper_back": ("Upper back", "back"),
    "lower_back": ("Lower back", "back"),
    "buttocks": ("Buttocks", "back"),
    "back_of_left_arm": ("Back of left arm", "back"),
    "back_of_right_arm": ("Back of right arm", "back"),
    "back_of_left_leg": ("Back of left leg", "back"),
    "back_of_right_leg": ("Back of right leg", "back"),
}

_BY_FOLDED: Final[dict[str, str]] = {
    **{site: site for site in BODY_SITES},
    **{label.lower(): site for site, (label, _) in BODY_SITES.items()},
    **{site.replace("_", " "): site for site in BODY_SITES},
}


def body_site(text: str) -> str | None:
    """`Left ear`, `left_ear` and `LEFT EAR` are the same site; None when it is not on the map."""
    return _BY_FOLDED.get(" ".join(text.strip().lower().split())) or _BY_FOLDED.get(text.strip().lower())


def site_label(site: str) -> str:
    return BODY_SITES[site][0] if site in BODY_SITES else site

"""Would alarmbell have rung for children it was never tuned on? The frozen held-out reviews.

    python benchmarks/policy_holdout.py [--json] [--policy DIR]

Every child under evaluation/holdout/ is replayed and measured exactly as policy_reviews.py
measures the development corpus (first amber and red, red lead before the harm, amber at or
before the review's first missed opportunity, the best single agency alone, linkage). The
difference is what the figures are evidence of. The development corpus (evaluation/reviews/)
is read to find where the policy is deaf, so its figures are in-sample. The held-out children
were reconstructed by someone who did not read the policy, and no rule, weight or threshold is
chosen by looking at them. So their figures estimate how the policy does on children it has
not seen. Only the shipped policy at its own thresholds is measured: nothing is fitted, so
there is no leave-one-out.

Keep it honest: once a policy change is made because of a held-out child, that child belongs in
the development corpus; move it there and say so in both READMEs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import policy_reviews
from review_corpus import HOLDOUT

NAME = "policy_holdout"
TITLE = "Early warning on held-out children from published case reviews (never tuned on)"


def run(*, quick: bool, policy_dir: str | None = None) -> dict[str, Any]:
    result = policy_reviews.run(quick=quick, policy_dir=policy_dir, fit=False, folder=HOLDOUT)
    command = "python benchmarks/policy_holdout.py"
    checks = [
        {**check, "name": check["name"].replace("default policy", "held out")} for check in result["checks"]
    ]
    return {**result, "name": NAME, "title": TITLE, "command": command, "checks": checks}


def markdown(result: dict[str, Any]) -> str:
    return policy_reviews.markdown(result)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--policy", help="a policy file or folder (default: the shipped policy)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="accepted for the suite; the set is small")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, policy_dir=args.policy)
    print(json.dumps(result, indent=2, default=str) if args.json else markdown(result))


if __name__ == "__main__":
    main(sys.argv[1:])

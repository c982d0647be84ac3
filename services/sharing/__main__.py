"""python -m services.sharing < scenario.json > result.json (the engine contract)."""
import json
import sys

from services.sharing import ScenarioError, allocate


def main(argv=None):
    try:
        scenario = json.load(sys.stdin)
    except ValueError as exc:
        print(f"sharing: the input is not valid JSON ({exc})", file=sys.stderr)
        return 2
    try:
        result = allocate(scenario)
    except ScenarioError as exc:
        print(f"sharing: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""progress (test only): emits args.count progress messages {i, of}, then returns {count}."""
from typing import Any

NAME = "progress"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    count = int(args.get("count", 3))
    for i in range(count):
        ctx.progress({"i": i + 1, "of": count})
    return {"count": count}

"""bad_line (test only): writes a malformed line to the protocol stream, then returns normally.

args.kind: "not_json" (default) or "bad_schema" (valid JSON that is not a protocol message).
"""
import json
from typing import Any

from ... import protocol

NAME = "bad_line"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    if args.get("kind") == "bad_schema":
        protocol.write_raw(json.dumps({"id": ctx.request_id, "type": "surprise", "data": 1}) + "\n")
    else:
        protocol.write_raw("this is not JSON {\n")
    return {"wrote": args.get("kind", "not_json")}

"""big_result (test only): returns args.bytes of deterministic ASCII plus its sha256, to check that a
large message crosses the pipe intact."""
import hashlib
from typing import Any

NAME = "big_result"
TEST_ONLY = True

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def payload(size: int) -> str:
    # Position-dependent pattern (not a short repeat), so a dropped or duplicated chunk changes the hash.
    block = "".join(_ALPHABET[(i * 7 + i // 64) % len(_ALPHABET)] for i in range(4096))
    out = []
    n = 0
    i = 0
    while n < size:
        chunk = f"{i:08x}" + block
        out.append(chunk)
        n += len(chunk)
        i += 1
    return "".join(out)[:size]


def run(args: dict, ctx: Any) -> dict:
    size = int(args.get("bytes", 10 * 1024 * 1024))
    data = payload(size)
    return {"bytes": size, "sha256": hashlib.sha256(data.encode("ascii")).hexdigest(), "data": data}

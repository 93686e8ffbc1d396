"""sleep (test only): announces {pid, start} as progress, sleeps args.seconds, returns the timestamps.

The progress message lets a test learn the worker pid and that the request is running (to kill it,
time it out or cancel it) by waiting on an event instead of guessing with a delay.
"""
import os
import time
from typing import Any

NAME = "sleep"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    seconds = float(args.get("seconds", 0))
    start = time.time()
    ctx.progress({"pid": os.getpid(), "start": start})
    time.sleep(seconds)
    return {"pid": os.getpid(), "start": start, "end": time.time()}

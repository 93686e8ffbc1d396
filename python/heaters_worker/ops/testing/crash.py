"""crash (test only): dies mid-request. args.mode: "sigkill" (default) or "exit" (os._exit(args.code)).

A line is written to stderr first so tests can see it in WorkerCrashedError.stderrTail.
"""
import os
import signal
import sys
from typing import Any

NAME = "crash"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    ctx.log("warn", "crash op: about to die", mode=args.get("mode", "sigkill"))
    sys.stderr.flush()
    if args.get("mode") == "exit":
        os._exit(int(args.get("code", 3)))
    os.kill(os.getpid(), signal.SIGKILL)
    return {}  # not reached

"""ping: liveness check used by the pool's validation."""
import os
import time

NAME = "ping"
TEST_ONLY = False


def run(args: dict, ctx) -> dict:
    return {"pong": True, "pid": os.getpid(), "t": time.time()}

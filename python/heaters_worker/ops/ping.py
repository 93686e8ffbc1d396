"""ping: liveness check used by the pool's validation."""
import os
import time

NAME = "ping"
TEST_ONLY = False


def run(args: dict, ctx) -> dict:
    import yt_dlp.version  # already imported at start-up: free

    return {"pong": True, "pid": os.getpid(), "t": time.time(), "yt_dlp": yt_dlp.version.__version__}

"""Children never outlive the daemon (ARCHITECTURE: hosts).

A worker that loses its parent, even to kill -9, takes its whole process group down with it: the
ffmpeg decoders of scene detection and the ffmpeg that yt-dlp starts to merge formats included. The
worker leads its own process group (so those children join it) and a daemon thread watches the
parent pid; when the worker is re-parented, it SIGKILLs the group, itself included. A thread, not a
signal handler: Python runs handlers only between bytecodes of the main thread, which may be blocked
in a long read from ffmpeg. The kernel's parent-death signal (prctl PR_SET_PDEATHSIG) is set as well,
to SIGHUP, which wakes the main thread the same way.
"""
import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1


def _kill_group() -> None:
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(1)


def guard_parent(poll_s: float = 0.25) -> None:
    parent = os.getppid()
    try:
        os.setpgid(0, 0)
    except OSError:
        pass  # already a group leader, or not allowed: the watch still kills us and our group
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0)
        signal.signal(signal.SIGHUP, lambda *_: _kill_group())
    except (OSError, AttributeError, ValueError):
        pass  # not Linux: the watch thread alone
    if os.getppid() != parent:  # the parent died before the signal was set
        _kill_group()

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                _kill_group()

    threading.Thread(target=watch, name="lifeline", daemon=True).start()

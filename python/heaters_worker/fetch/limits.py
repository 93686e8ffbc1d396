"""The op's budget: max bytes and an overall deadline, enforced from the progress hook and by SIGALRM.

A stalled socket read never reaches the progress hook, so the deadline is also armed as an interval
timer whose handler raises Abort inside whatever is blocking (PEP 475: a raising handler interrupts
the syscall). Abort derives from BaseException so that yt-dlp's `except Exception` wrappers let it
through untouched; yt-dlp's own subprocess helper kills ffmpeg on any BaseException.
"""
import contextlib
import signal
import threading
import time
from types import FrameType
from typing import Iterator, Optional

from ..errors import OpError


class Abort(BaseException):
    """Internal: unwind out of yt-dlp with a typed reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def to_op_error(self) -> OpError:
        return OpError(self.code, self.message)


class Budget:
    def __init__(self, max_bytes: int, timeout_s: float):
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + timeout_s

    def check_bytes(self, n: Optional[float], what: str = "download") -> None:
        if n is not None and n > self.max_bytes:
            raise Abort("too_large", f"{what} exceeds max_bytes ({int(n)} > {self.max_bytes})")

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.timeout_abort()

    def timeout_abort(self) -> Abort:
        return Abort("timeout", f"download did not finish within {self.timeout_s:g}s")


class Alarm:
    """Context manager: raise the budget's timeout Abort when the deadline passes (main thread only)."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self._armed = False
        self._prev = None

    def _fire(self, _signum: int, _frame: Optional[FrameType]) -> None:
        raise self.budget.timeout_abort()

    def __enter__(self) -> "Alarm":
        if threading.current_thread() is threading.main_thread():
            self._prev = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, max(0.001, self.budget.deadline - time.monotonic()))
            self._armed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._prev or signal.SIG_DFL)
            self._armed = False


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGALRM while writing a protocol or log line: the timeout must not cut a line in half.
    A deadline that passes meanwhile is delivered (and raises) right after the write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

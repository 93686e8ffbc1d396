"""Throttled progress reports for one download, summed over the files yt-dlp fetches (video + audio)."""
import time
from typing import Any, Callable, Optional

from .limits import Budget, shielded

INTERVAL_S = 0.5


class ProgressReporter:
    def __init__(self, send: Callable[[dict], None], budget: Budget, interval_s: float = INTERVAL_S):
        self._send = send
        self._budget = budget
        self._interval = interval_s
        self._last_sent = 0.0
        self._files: dict[str, tuple[float, Optional[float]]] = {}  # name -> (downloaded, exact total)
        self._expected_files = 1
        self._speed: Optional[float] = None
        self._eta: Optional[float] = None
        self._estimate: Optional[float] = None
        self.sent = 0

    def set_expected_files(self, n: int) -> None:
        self._expected_files = max(1, n)

    @property
    def downloaded(self) -> float:
        return sum(d for d, _ in self._files.values())

    def total(self) -> Optional[float]:
        totals = [t for _, t in self._files.values()]
        if len(totals) < self._expected_files or any(t is None for t in totals):
            return None
        return float(sum(t for t in totals if t is not None))

    def update(self, name: str, downloaded: float, total: Optional[float], *, speed: Optional[float] = None,
               eta: Optional[float] = None, estimate: Optional[float] = None, report: bool = True) -> None:
        """Record bytes for one file, enforce the budget, and report if the throttle allows."""
        prev_total = self._files.get(name, (0.0, None))[1]
        self._files[name] = (float(downloaded), float(total) if total else prev_total)
        self._speed, self._eta = speed, eta
        self._estimate = estimate
        # Checked on every callback, not only on reported ones: the limit must hold between reports.
        self._budget.check_bytes(total, "file size")
        self._budget.check_bytes(self.downloaded)
        self._budget.check_time()
        now = time.monotonic()
        if report and now - self._last_sent >= self._interval:
            self._emit(now)

    def final(self, size: int) -> None:
        """The last report, always sent: percent 100 and the size of the resulting file (after a
        merge it differs a little from the bytes transferred)."""
        done = float(size)
        self._files = {"_final": (done, done)}
        self._expected_files = 1
        self._speed, self._eta = None, 0
        self._emit(time.monotonic(), percent=100.0)

    def _emit(self, now: float, percent: Optional[float] = None) -> None:
        self._last_sent = now
        total = self.total()
        if percent is None:
            denom = total if total else self._single_estimate()
            percent = min(100.0, 100.0 * self.downloaded / denom) if denom else None
        data: dict[str, Any] = {
            "stage": "download",
            "percent": None if percent is None else round(percent, 2),
            "downloaded_bytes": int(self.downloaded),
            "total_bytes": None if total is None else int(total),
            "speed_bps": None if self._speed is None else round(float(self._speed), 1),
            "eta_s": None if self._eta is None else round(float(self._eta), 1),
        }
        self.sent += 1
        with shielded():
            self._send(data)

    def _single_estimate(self) -> Optional[float]:
        # yt-dlp's estimate (fragment count x average) is only meaningful for a single-file download.
        return self._estimate if self._expected_files == 1 and len(self._files) == 1 else None

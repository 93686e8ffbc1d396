"""Map a yt-dlp failure to a stable code. yt-dlp wraps the real cause (HTTPError, URLError, socket
timeout, UnsupportedError) in DownloadError/ExtractorError; walk the chain first, then fall back to
the message text, which is all some paths leave behind."""
import re
import socket
import urllib.error
from typing import Iterable, Iterator, Optional

from ..errors import OpError
from .urls import safe_url, scrub


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[Optional[BaseException]] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen or not isinstance(e, BaseException):
            continue
        seen.add(id(e))
        yield e
        exc_info = getattr(e, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) > 1:
            todo.append(exc_info[1])
        todo.append(getattr(e, "cause", None))
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
        todo.append(e.__cause__)
        todo.append(e.__context__)


_NETWORK_TEXT = re.compile(
    r"connection refused|name or service not known|temporary failure in name resolution|"
    r"nodename nor servname|no address associated|network is unreachable|no route to host|"
    r"connection reset|remote end closed connection|getaddrinfo failed",
    re.I,
)


def map_error(exc: BaseException, url: str, recent: Iterable[str] = ()) -> OpError:
    where = safe_url(url)
    chain = list(_chain(exc))
    text = " | ".join([str(e) for e in chain] + list(recent))

    for e in chain:
        code = getattr(e, "code", None) if isinstance(e, urllib.error.HTTPError) else None
        if isinstance(code, int):
            return OpError("http_error", f"HTTP {code} from {where}")
    m = re.search(r"HTTP Error (\d{3})", text)
    if m:
        return OpError("http_error", f"HTTP {m.group(1)} from {where}")

    if "Did not get any data blocks" in text:
        # The server answered 200 with an empty body (a 0-byte "video").
        return OpError("not_a_video", f"{where} returned an empty body")

    if "larger than max-filesize" in text:
        return OpError("too_large", f"file at {where} exceeds max_bytes")

    names = {type(e).__name__ for e in chain}
    if "UnsupportedError" in names or "Unsupported URL" in text:
        return OpError("unsupported_url", f"no video found at {where} (unsupported URL)")

    if any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain) or re.search(r"timed out", text, re.I):
        return OpError("timeout", f"network timeout while downloading {where}")

    if any(isinstance(e, (ConnectionError, socket.gaierror)) for e in chain) or _NETWORK_TEXT.search(text):
        return OpError("network", f"cannot reach {where}: {_short(chain)}")
    if any(isinstance(e, urllib.error.URLError) for e in chain):
        return OpError("network", f"cannot reach {where}: {_short(chain)}")

    return OpError("download_failed", f"download of {where} failed: {_short(chain)}")


def _short(chain: list[BaseException]) -> str:
    """The innermost cause's message, scrubbed and bounded."""
    inner = chain[-1] if chain else None
    for e in chain:
        if type(e).__name__ not in ("DownloadError", "ExtractorError"):
            inner = e
            break
    msg = scrub(str(inner) if inner is not None else "unknown error")
    msg = re.sub(r"^ERROR:\s*", "", msg).strip()
    return msg[:300] or (type(inner).__name__ if inner is not None else "unknown error")

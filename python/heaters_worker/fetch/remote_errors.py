"""Map a yt-dlp failure to a stable code. yt-dlp wraps the real cause (HTTPError, URLError, socket
timeout, UnsupportedError) in DownloadError/ExtractorError; walk the chain first, then fall back to
the message text, which is all some paths leave behind.

The access failures (bot check, private, members-only, age gate, geo block, removed, upcoming, DRM,
rate limiting) carry no exception class of their own in yt-dlp: extractors raise ExtractorError (or
GeoRestrictedError) with the site's own words, e.g. YouTube's playability reason "Sign in to confirm
you're not a bot" followed by yt-dlp's cookies hint. The patterns below are those texts as current
yt-dlp (2026.08) and the 2023 Debian build raise them; python/tests/test_fetch_errors.py holds them.
Whether a code is worth a retry is the daemon's decision (src/download/errors.ts), not this module's.
"""
import re
import socket
import urllib.error
import urllib.parse
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

# Checked in this order: the first match wins. Private before the bot check ("Private video. Sign in
# if you've been granted access"), geo before removed ("...has not made this video available in your
# country"), age before the bot check (both begin "Sign in to confirm").
_ACCESS: list[tuple[str, "re.Pattern[str]", str]] = [
    ("geo_blocked", re.compile(
        r"not available (?:in|from) your (?:country|location|region)|geo[ -]?restrict|"
        r"not made this video available in your country|available only in certain countries", re.I),
     "is not available from this daemon's location (geo-blocked); a proxy in an allowed country (HEATERS_PROXY) may reach it"),
    ("drm", re.compile(r"\bDRM\b", re.I),
     "is DRM protected; heaters cannot download it"),
    ("private", re.compile(r"\bprivate video\b|\bvideo is private\b|\bthis (?:video|content|playlist) is private\b|"
                           r"\bplaylist is private\b|\bprivate playlist\b", re.I),
     "is private; cookies of an account that was granted access (HEATERS_COOKIES_FILE) are needed"),
    ("members_only", re.compile(r"members[- ]only|join this channel|available to this channel's members|"
                                r"channel membership|premium members|requires (?:a )?(?:premium|paid) ", re.I),
     "is for the channel's members only; cookies of a member's account (HEATERS_COOKIES_FILE) are needed"),
    ("age_restricted", re.compile(r"confirm your age|age[- ]restricted|age[- ]gated|inappropriate for some users|"
                                  r"age[_ ]verification", re.I),
     "is age-restricted; cookies of an age-verified account (HEATERS_COOKIES_FILE) are needed"),
    ("bot_check", re.compile(r"not a bot|captcha|your ip is likely being blocked|unusual traffic|"
                             r"confirm you are human|po[ _-]?token", re.I),
     "asks to confirm this is not a bot; set HEATERS_COOKIES_FILE (a signed-in browser's cookies) or a PO-token "
     "provider through HEATERS_EXTRACTOR_ARGS"),
    ("rate_limited", re.compile(r"too many requests|rate[- ]limit|try again later|\bslow down\b", re.I),
     "is rate limiting this daemon"),
    ("upcoming", re.compile(r"live event will begin|premieres? (?:in|will begin)|will begin (?:in|shortly)|"
                            r"scheduled (?:to start|for)|has not started yet|is upcoming|starts in \d", re.I),
     "is a scheduled stream or premiere that has not started; send it again once it has ended"),
    ("removed", re.compile(r"has been removed|been terminated|no longer available|video unavailable|"
                           r"video is unavailable|video (?:is )?not available|does not exist|"
                           r"content is not available|deleted", re.I),
     "has been removed or is unavailable"),
]

# Sites whose 403s are throttling (expired signatures, missing PO tokens, too many requests from one IP),
# not a permission: googlevideo answers a throttled client with 403, not 429.
_THROTTLING_403_HOSTS = ("youtube.com", "youtu.be", "googlevideo.com", "youtube-nocookie.com")


def _http_status(e: BaseException) -> Optional[int]:
    # urllib's HTTPError (yt-dlp 2023) has .code; yt_dlp.networking.exceptions.HTTPError (2023.11+)
    # has .status and no .code.
    if isinstance(e, urllib.error.HTTPError) and isinstance(e.code, int):
        return e.code
    if type(e).__name__ == "HTTPError":
        status = getattr(e, "status", None)
        if isinstance(status, int):
            return status
    return None


def _throttling_site(url: str) -> bool:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _THROTTLING_403_HOSTS)


def map_error(exc: BaseException, url: str, recent: Iterable[str] = ()) -> OpError:
    where = safe_url(url)
    chain = list(_chain(exc))
    messages = [str(e) for e in chain]
    # Only yt-dlp's error lines: its warnings (e.g. "some formats are DRM protected") are no verdict.
    errors_logged = [r for r in recent if r.startswith("ERROR")]
    text = " | ".join(messages + errors_logged)
    all_text = " | ".join(messages + list(recent))
    names = {type(e).__name__ for e in chain}

    status: Optional[int] = None
    for e in chain:
        status = _http_status(e)
        if status is not None:
            break
    if status is None:
        m = re.search(r"HTTP Error (\d{3})", all_text)
        status = int(m.group(1)) if m else None

    if "GeoRestrictedError" in names:
        return OpError("geo_blocked", f"{where} {_ACCESS[0][2]}: {_short(chain)}")
    # The exception texts decide first; recent log lines only when no exception text matched (a
    # warning about one format must not relabel the failure).
    for source in (" | ".join(messages), text):
        for code, pattern, what in _ACCESS:
            if pattern.search(source):
                return OpError(code, f"{where} {what}: {_short(chain)}")

    if status == 429 or (status == 403 and _throttling_site(url)):
        return OpError("rate_limited", f"HTTP {status} from {where}: the site is rate limiting this daemon")
    if status is not None:
        return OpError("http_error", f"HTTP {status} from {where}")

    if "Did not get any data blocks" in all_text:
        # The server answered 200 with an empty body (a 0-byte "video").
        return OpError("not_a_video", f"{where} returned an empty body")

    if "larger than max-filesize" in all_text:
        return OpError("too_large", f"file at {where} exceeds max_bytes")

    if "UnsupportedError" in names or "Unsupported URL" in all_text:
        return OpError("unsupported_url", f"no video found at {where} (unsupported URL)")

    if any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain) or re.search(r"timed out", all_text, re.I):
        return OpError("timeout", f"network timeout while downloading {where}")

    if any(isinstance(e, (ConnectionError, socket.gaierror)) for e in chain) or _NETWORK_TEXT.search(all_text):
        return OpError("network", f"cannot reach {where}: {_short(chain)}")
    if any(isinstance(e, urllib.error.URLError) for e in chain) or "TransportError" in names:
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

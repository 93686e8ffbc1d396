"""Unit tests of the yt-dlp failure mapping (fetch/remote_errors.py) with the texts yt-dlp raises today.

Each case builds the exception the way yt-dlp does: an ExtractorError (or GeoRestrictedError) with the
extractor's words, wrapped by YoutubeDL in a DownloadError whose message is "ERROR: [youtube] <id>: ..."
and whose exc_info holds the ExtractorError. HTTP failures carry an HTTPError as the cause.
Run: /usr/bin/python3 -m pytest -q python/tests/test_fetch_errors.py (test/python.test.ts runs it).
"""
import io
import os
import sys
import urllib.error

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from yt_dlp.utils import DownloadError, ExtractorError, GeoRestrictedError  # noqa: E402

from heaters_worker.fetch.access import from_args  # noqa: E402
from heaters_worker.fetch.limits import Abort  # noqa: E402
from heaters_worker.fetch.remote import refuse_live  # noqa: E402
from heaters_worker.fetch.remote_errors import map_error  # noqa: E402
from heaters_worker.fetch.resolve import canonical_id  # noqa: E402

YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
HINT = ("Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ"
        "#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies. Also see  "
        "https://github.com/yt-dlp/yt-dlp/wiki/Extractors#exporting-youtube-cookies  for tips on effectively exporting "
        "YouTube cookies")


def wrapped(inner: BaseException) -> DownloadError:
    """YoutubeDL.extract_info's wrapper: DownloadError('ERROR: ' + msg, exc_info of the inner error)."""
    try:
        raise inner
    except BaseException:
        return DownloadError(f"ERROR: {inner}", sys.exc_info())


def extractor_error(msg: str, **kw) -> DownloadError:
    return wrapped(ExtractorError(msg, expected=True, video_id="dQw4w9WgXcQ", ie="youtube", **kw))


def http_error(status: int, url: str = YT) -> DownloadError:
    cause = urllib.error.HTTPError(url, status, {429: "Too Many Requests", 403: "Forbidden", 404: "Not Found"}.get(status, "x"),
                                   {}, io.BytesIO(b""))
    try:
        raise cause
    except urllib.error.HTTPError as e:
        return wrapped(ExtractorError("Unable to download webpage: HTTP Error %d" % status, cause=e, video_id="x", ie="youtube"))


# (code, message) pairs: the words current yt-dlp's YouTube extractor (extractor/youtube/_video.py and
# _base.py, common.py's raise_* helpers) and YoutubeDL raise.
CASES = [
    ("bot_check", f"Sign in to confirm you\u2019re not a bot. {HINT}"),
    ("bot_check", f"Sign in to confirm you're not a bot. This helps protect our community. {HINT}"),
    ("bot_check", "All player responses are invalid. Your IP is likely being blocked by Youtube"),
    ("bot_check", "Video unavailable. YouTube is requiring a captcha challenge before playback"),
    ("private", f"Private video. Sign in if you've been granted access to this video. {HINT}"),
    ("members_only", "Join this channel to get access to members-only content like this video, and other exclusive perks."),
    ("members_only", "This video is available to this channel's members on level: Tier 1 (or any higher level). "
                     "Join this channel to get access to members-only content and other exclusive perks."),
    ("age_restricted", f"Sign in to confirm your age. This video may be inappropriate for some users. {HINT}"),
    ("age_restricted", "dQw4w9WgXcQ: This video is age-restricted and YouTube is requiring account age-verification"),
    ("removed", "Video unavailable. This video has been removed by the uploader"),
    ("removed", "Video unavailable. This video is no longer available because the YouTube account associated with "
                "this video has been terminated."),
    ("removed", "This video has been removed for violating YouTube's Terms of Service"),
    ("upcoming", "This live event will begin in 3 hours."),
    ("upcoming", "Premieres in 2 days"),
    ("drm", "This video is DRM protected"),
    ("rate_limited", "This content isn't available, try again later. The current session has been rate-limited by "
                     "YouTube for up to an hour. It is recommended to use `-t sleep` to add a delay between video requests"),
]


@pytest.mark.parametrize("code,message", CASES)
def test_extractor_texts_map_to_typed_codes(code, message):
    err = map_error(extractor_error(message), YT)
    assert err.code == code, (code, err.code, err.message)
    assert "youtube.com/watch" in err.message
    assert "?v=" not in err.message  # the query (a token's usual home) never reaches a message


def test_geo_restricted_error_class_is_geo_blocked():
    inner = GeoRestrictedError("The uploader has not made this video available in your country", countries=["DE"])
    assert map_error(wrapped(inner), YT).code == "geo_blocked"


def test_geo_text_without_the_class_is_geo_blocked_not_removed():
    err = map_error(extractor_error("Video unavailable. The uploader has not made this video available in your country"), YT)
    assert err.code == "geo_blocked"


def test_http_429_is_rate_limited_everywhere():
    assert map_error(http_error(429, "https://example.com/v"), "https://example.com/v").code == "rate_limited"


def test_http_403_is_throttling_on_youtube_and_a_plain_http_error_elsewhere():
    assert map_error(http_error(403), YT).code == "rate_limited"
    assert map_error(http_error(403, "https://example.com/v.mp4"), "https://example.com/v.mp4").code == "http_error"


def test_new_networking_http_error_with_status_attribute():
    class HTTPError(Exception):  # yt_dlp.networking.exceptions.HTTPError has .status, not .code
        def __init__(self, status):
            super().__init__(f"HTTP Error {status}: Too Many Requests")
            self.status = status

    try:
        raise HTTPError(429)
    except HTTPError as e:
        err = wrapped(ExtractorError("Unable to download JSON metadata", cause=e))
    assert map_error(err, "https://example.com/api").code == "rate_limited"


def test_404_stays_http_error_and_unknown_stays_download_failed():
    assert map_error(http_error(404, "https://example.com/x"), "https://example.com/x").code == "http_error"
    assert map_error(extractor_error("Unable to extract video data"), YT).code == "download_failed"


def test_warnings_in_the_log_do_not_relabel_a_failure():
    recent = ["WARNING: Some web client https formats have been skipped as they are DRM protected."]
    err = map_error(http_error(404, "https://example.com/x"), "https://example.com/x", recent)
    assert err.code == "http_error"


def test_live_and_upcoming_are_refused_before_download():
    with pytest.raises(Abort) as live:
        refuse_live({"id": "x", "is_live": True, "live_status": "is_live"})
    assert live.value.code == "live"
    with pytest.raises(Abort) as up:
        refuse_live({"id": "x", "live_status": "is_upcoming", "release_timestamp": 1900000000})
    assert up.value.code == "upcoming" and "1900000000" in up.value.message
    assert refuse_live({"id": "x", "live_status": "was_live"}) is None
    assert refuse_live({"id": "x", "live_status": "post_live"}) is None


def test_canonical_ids_only_for_real_extractor_ids():
    assert canonical_id("Youtube", "dQw4w9WgXcQ") == "youtube:dQw4w9WgXcQ"
    assert canonical_id("Generic", "talk") is None
    assert canonical_id("HTML5MediaEmbed", "page-1") is None
    assert canonical_id("Youtube", None) is None


def test_cookie_values_and_proxy_password_are_redacted(tmp_path):
    jar = tmp_path / "cookies.txt"
    jar.write_text("# Netscape HTTP Cookie File\n"
                   ".youtube.com\tTRUE\t/\tTRUE\t2000000000\tSID\tg.a000SECRETSIDVALUE\n"
                   "#HttpOnly_.youtube.com\tTRUE\t/\tTRUE\t2000000000\t__Secure-3PSID\tHTTPONLYSECRET42\n"
                   ".youtube.com\tTRUE\t/\tFALSE\t0\tPREF\tf1\n")
    with from_args({"cookies_file": str(jar), "proxy": "http://user:pr0xyPa55@127.0.0.1:3128"}) as access:
        text = access.redact("SID=g.a000SECRETSIDVALUE; __Secure-3PSID=HTTPONLYSECRET42 via user:pr0xyPa55@ PREF=f1")
        assert "SECRETSIDVALUE" not in text and "HTTPONLYSECRET42" not in text and "pr0xyPa55" not in text
        assert "PREF=f1" in text  # short flag values are not secrets
        copy = access.ydl_options()["cookiefile"]
        assert copy != str(jar) and os.path.isfile(copy)  # yt-dlp writes the jar back: never the operator's file
        assert (os.stat(copy).st_mode & 0o077) == 0
    assert not os.path.exists(copy)


def test_unreadable_cookies_file_is_access_config_without_content(tmp_path):
    from heaters_worker.errors import OpError

    with pytest.raises(OpError) as e:
        from_args({"cookies_file": str(tmp_path / "missing.txt")})
    assert e.value.code == "access_config"

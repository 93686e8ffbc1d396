"""Test only: a yt-dlp extractor for a loopback test site, registered when the worker runs --test-ops.

URLs: http://127.0.0.1:<port>/heaters-test/video/<id>, .../watch?v=<id> (the same video: two URLs of
one canonical id, like youtu.be/X and youtube.com/watch?v=X) and .../playlist/<id>. The extractor asks
the test server what the id is (GET /heaters-test/api/video/<id> -> JSON) and behaves like a real
site's extractor: a video with a media URL, a playlist of URL references, a live or upcoming stream,
or a failure raised with the words yt-dlp's YouTube extractor uses today (bot check, private,
members-only, age gate, geo block, removal, DRM, YouTube's rate-limit text). A 429 or 403 from the
server comes through yt-dlp's own HTTP error path. `echo_secrets` makes it print the cookies and proxy
it was given, as a careless extractor might, so the redaction tests have something to catch.
Only loopback hosts match: it can never take over a real site's URL.
"""
from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import ExtractorError

from ...fetch.extractors import register

NAME = "test_site"
TEST_ONLY = True

_HINT = ("Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ"
         "#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies. Also see  "
         "https://github.com/yt-dlp/yt-dlp/wiki/Extractors#exporting-youtube-cookies  for tips on effectively exporting "
         "YouTube cookies")
# The reason texts YouTube returns, as yt-dlp's extractor/youtube/_video.py words them after its edits.
TEXTS = {
    "bot_check": f"Sign in to confirm you\u2019re not a bot. {_HINT}",
    "private": f"Private video. Sign in if you've been granted access to this video. {_HINT}",
    "members_only": "Join this channel to get access to members-only content like this video, and other exclusive perks.",
    "age_restricted": f"Sign in to confirm your age. This video may be inappropriate for some users. {_HINT}",
    "removed": "Video unavailable. This video has been removed by the uploader",
    "upcoming": "This live event will begin in 3 hours.",
    "rate_limited_text": ("This content isn't available, try again later. The current session has been rate-limited by "
                          "YouTube for up to an hour."),
}


class HeatersTestIE(InfoExtractor):
    IE_NAME = "heaterstest"
    _VALID_URL = (r"https?://(?P<host>(?:127\.0\.0\.1|localhost)(?::\d+)?)/heaters-test/"
                  r"(?:(?P<kind>video|playlist)/(?P<id>[\w-]+)|watch\?v=(?P<wid>[\w-]+))")

    @classmethod
    def is_single_video(cls, url):
        return "/heaters-test/playlist/" not in url

    def _real_extract(self, url):
        m = self._match_valid_url(url)
        host, kind, vid = m.group("host"), m.group("kind") or "video", m.group("id") or m.group("wid")
        origin = f"http://{host}"
        data = self._download_json(f"{origin}/heaters-test/api/{kind}/{vid}", vid)
        if data.get("echo_secrets"):
            cookies = "; ".join(f"{k}={v.value}" for k, v in self._get_cookies(origin).items())
            self.to_screen(f"{vid}: cookies {cookies}; proxy {self.get_param('proxy')}")
            raise ExtractorError(f"{TEXTS['private']} (cookies sent: {cookies}; proxy {self.get_param('proxy')})",
                                 expected=True)
        if kind == "playlist":
            # "list:<id>" entries are playlists inside the playlist (a channel's tabs).
            entries = [self.url_result(f"{origin}/heaters-test/playlist/{e[5:]}", ie=HeatersTestIE)
                       if e.startswith("list:") else
                       self.url_result(f"{origin}/heaters-test/video/{e}", ie=HeatersTestIE, video_id=e)
                       for e in data.get("entries", [])]
            return self.playlist_result(entries, vid, data.get("title"))
        error = data.get("error")
        if error == "geo_blocked":
            self.raise_geo_restricted("The uploader has not made this video available in your country", countries=["DE"])
        if error == "drm":
            self.report_drm(vid)
        if error:
            raise ExtractorError(TEXTS[error], expected=True, video_id=vid)
        # Extractor arguments reach the extractor: the daemon's and the ingest's show in the title.
        title = ":".join([*self._configuration_arg("title_prefix"), data.get("title") or vid, *self._configuration_arg("title_suffix")])
        info = {"id": vid, "title": title, "live_status": data.get("live_status", "not_live")}
        if data.get("live_status") == "is_live":
            info["is_live"] = True
        if data.get("media"):
            info["url"] = origin + data["media"]
            info["ext"] = data.get("ext", "mp4")
        return info


register(HeatersTestIE)


def run(args: dict, ctx) -> dict:
    return {"extractor": HeatersTestIE.ie_key()}

"""resolve: what a URL is (one video or a playlist of entries) and its canonical identity, no download.

args: {url, timeout_s, max_entries, allow_private?, cookies_file?, proxy?, extractor_args?}
result: {kind: "video"|"playlist"|"local", extractor, id, canonical, title, webpage_url,
         entries: [{url, playlist_item, extractor, id, canonical, title, live_status}]}
  canonical: "<extractor>:<id>" where the extractor has a real id, else null (generic pages, files).
errors: the download op's codes (unsupported_url, forbidden_url, bot_check, rate_limited, ...).
Local paths and file:// URLs are not looked at: kind "local", no entries.
"""
from ..errors import OpError
from ..fetch.access import from_args as access_from_args
from ..fetch.limits import Abort, Alarm, Budget
from ..fetch.resolve import resolve_remote
from ..fetch.urls import classify, safe_url

NAME = "resolve"
TEST_ONLY = False


def run(args: dict, ctx) -> dict:
    url, timeout_s, max_entries = args.get("url"), args.get("timeout_s"), args.get("max_entries")
    if not isinstance(url, str):
        raise OpError("bad_request", "url must be a string")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or timeout_s <= 0:
        raise OpError("bad_request", "timeout_s must be a positive number")
    if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
        raise OpError("bad_request", "max_entries must be a positive integer")
    source = classify(url)
    if source.kind == "local":
        return {"kind": "local", "extractor": "local", "id": None, "canonical": None, "title": None,
                "webpage_url": source.target, "entries": []}
    ctx.log("info", "resolve start", url=safe_url(url), max_entries=max_entries)
    try:
        with Alarm(Budget(1, float(timeout_s))), access_from_args(args) as access:
            result = resolve_remote(source.target, log=ctx.log, access=access,
                                    allow_private=args.get("allow_private") is True,
                                    max_entries=max_entries, timeout_s=float(timeout_s))
    except Abort as e:
        raise e.to_op_error() from None
    ctx.log("info", "resolve done", url=safe_url(url), kind=result["kind"], extractor=result["extractor"],
            entries=len(result["entries"]))
    return result

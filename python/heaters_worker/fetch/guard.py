"""Refuse requests to private, loopback, link-local and other non-public addresses (SSRF guard).

A daemon that fetches URLs sent by any program must not become a way to reach the network it runs in
(cloud metadata at 169.254.169.254, databases on 10.x, admin pages on localhost). Every request yt-dlp
makes goes through YoutubeDL.urlopen: the page, manifests, every DASH/HLS fragment. The guard checks
the host of each request before it is sent and the final URL after redirects.
"""
import ipaddress
import socket
import urllib.parse
from typing import Any, Callable

from .limits import Abort
from .urls import safe_url


def _blocked(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not addr.is_global or addr.is_multicast


def check_url(url: str) -> None:
    """Raise Abort('forbidden_url') unless every address the URL's host resolves to is public."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return  # not a network request this guard governs (yt-dlp only fetches http(s) here)
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return  # unresolvable: the request itself fails with a network error
    for info in infos:
        if _blocked(str(info[4][0])):
            raise Abort("forbidden_url", f"{safe_url(url)} resolves to a non-public address; set HEATERS_ALLOW_PRIVATE_URLS to allow it")


def guard_urlopen(urlopen: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def guarded(req: Any) -> Any:
        check_url(req if isinstance(req, str) else req.get_full_url())
        resp = urlopen(req)
        final = getattr(resp, "geturl", lambda: None)()
        if isinstance(final, str):
            try:
                check_url(final)  # a redirect into the private network
            except Abort:
                resp.close()
                raise
        return resp

    return guarded

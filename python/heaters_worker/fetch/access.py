"""Access settings for yt-dlp: a cookies file, a proxy, extractor arguments, and the secrets they carry.

The daemon passes them as op args (never in job data). The cookies file is copied to a private
temporary file for the op, because yt-dlp writes its cookie jar back on close and must not rewrite the
operator's file. Every cookie value and the proxy's password become scrub patterns: no yt-dlp message,
log line or error text leaves this process with them.
"""
import os
import shutil
import tempfile
import urllib.parse
from typing import Any, Iterable, Optional

from ..errors import OpError

REDACTED = "[redacted]"
MIN_SECRET_LEN = 6  # shorter cookie values ("1", "YES") are flags, not credentials


class Access:
    def __init__(self, cookies_file: Optional[str], proxy: Optional[str],
                 extractor_args: dict[str, dict[str, list[str]]], secrets: list[str]):
        self.cookies_file = cookies_file  # the private copy, or None
        self.proxy = proxy
        self.extractor_args = extractor_args
        self.secrets = sorted(set(secrets), key=len, reverse=True)
        self._tmpdir: Optional[str] = None

    def ydl_options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if self.cookies_file:
            opts["cookiefile"] = self.cookies_file
        if self.proxy:
            opts["proxy"] = self.proxy
        if self.extractor_args:
            opts["extractor_args"] = self.extractor_args
        return opts

    def redact(self, text: str) -> str:
        for s in self.secrets:
            if s in text:
                text = text.replace(s, REDACTED)
        return text

    def close(self) -> None:
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> "Access":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cookie_values(path: str) -> Iterable[str]:
    """Values of a Netscape cookies file (name<TAB>value are the last two of seven fields)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("#HttpOnly_"):
                line = line[len("#HttpOnly_"):]
            elif not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) >= 7:
                for v in (fields[6], urllib.parse.unquote(fields[6])):
                    if len(v) >= MIN_SECRET_LEN:
                        yield v


def _extractor_args(raw: Any) -> dict[str, dict[str, list[str]]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise OpError("bad_request", "extractor_args must be an object {extractor: {arg: [values]}}")
    out: dict[str, dict[str, list[str]]] = {}
    for ie, args in raw.items():
        if not isinstance(ie, str) or not isinstance(args, dict):
            raise OpError("bad_request", "extractor_args must be an object {extractor: {arg: [values]}}")
        out[ie.lower()] = {}
        for k, vs in args.items():
            if not isinstance(k, str) or not isinstance(vs, list) or not all(isinstance(v, str) for v in vs):
                raise OpError("bad_request", f"extractor_args.{ie}.{k} must be a list of strings")
            out[ie.lower()][k] = list(vs)
    return out


def merge_extractor_args(*layers: Any) -> dict[str, dict[str, list[str]]]:
    """Later layers (per ingest) override earlier ones (per daemon) argument by argument."""
    out: dict[str, dict[str, list[str]]] = {}
    for layer in layers:
        for ie, args in _extractor_args(layer).items():
            out.setdefault(ie, {}).update(args)
    return out


def from_args(args: dict) -> Access:
    """Read cookies_file, proxy and extractor_args from an op's args."""
    cookies, proxy = args.get("cookies_file"), args.get("proxy")
    secrets: list[str] = []
    if proxy is not None:
        if not isinstance(proxy, str) or not proxy:
            raise OpError("bad_request", "proxy must be a URL string")
        parts = urllib.parse.urlsplit(proxy)
        for s in (parts.password, urllib.parse.unquote(parts.password or "")):
            if s and len(s) >= 4:
                secrets.append(s)
    ea = merge_extractor_args(args.get("extractor_args"))
    if cookies is None:
        return Access(None, proxy, ea, secrets)
    if not isinstance(cookies, str) or not os.path.isabs(cookies):
        raise OpError("bad_request", "cookies_file must be an absolute path")
    try:
        secrets.extend(_cookie_values(cookies))
        tmpdir = tempfile.mkdtemp(prefix="heaters-cookies-")
        copy = os.path.join(tmpdir, "cookies.txt")
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(cookies, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst)
    except OSError as e:
        # The path is the operator's setting, not a secret; the content never appears.
        raise OpError("access_config", f"cannot read the cookies file {cookies}: {e.strerror or type(e).__name__}")
    access = Access(copy, proxy, ea, secrets)
    access._tmpdir = tmpdir
    return access

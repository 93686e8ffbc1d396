"""Local files and file:// URLs: no yt-dlp, hard-link (or copy) into dest_dir as source.<ext>."""
import errno
import os
import pathlib
from typing import Any

from ..errors import OpError
from .limits import Budget
from .progress import ProgressReporter
from .workspace import STEM, ext_of

COPY_CHUNK = 4 * 1024 * 1024


def fetch_local(src: str, dest_dir: str, budget: Budget, progress: ProgressReporter) -> dict[str, Any]:
    try:
        st = os.stat(src)
    except FileNotFoundError:
        raise OpError("not_found", f"no such file: {src}")
    except PermissionError:
        raise OpError("not_found", f"file is not readable: {src}")
    if not os.path.isfile(src):
        raise OpError("not_found", f"not a regular file: {src}")
    budget.check_bytes(st.st_size, "file size")

    ext = ext_of(src)
    dest = os.path.join(dest_dir, f"{STEM}.{ext}")
    if os.path.exists(dest) and os.path.samefile(src, dest):
        pass  # a retry of a local fetch that already linked it
    else:
        try:
            os.link(src, dest)
        except OSError as e:
            # Different filesystem, or links not permitted: copy, reporting progress like a download.
            if e.errno not in (errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
            _copy(src, dest, st.st_size, budget, progress)
    size = os.path.getsize(dest)
    progress.update(dest, size, size)
    return {
        "path": dest,
        "bytes": size,
        "ext": ext,
        "extractor": "local",
        "title": pathlib.Path(src).stem,
        "format_id": None,
        "webpage_url": pathlib.Path(src).as_uri(),
        "duration_s": None,
        "width": None,
        "height": None,
        "vcodec": None,
        "acodec": None,
    }


def _copy(src: str, dest: str, total: int, budget: Budget, progress: ProgressReporter) -> None:
    done = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while True:
            chunk = fin.read(COPY_CHUNK)
            if not chunk:
                break
            fout.write(chunk)
            done += len(chunk)
            progress.update(dest, done, total)  # also enforces max_bytes if the file grows meanwhile

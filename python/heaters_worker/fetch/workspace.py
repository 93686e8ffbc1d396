"""The files this op owns inside dest_dir: everything named source.* (final file, .part, fragments)."""
import os
import re
from typing import Optional

STEM = "source"


def clear_outputs(dest_dir: str, keep: Optional[str] = None) -> None:
    """Remove earlier or partial outputs so a retry starts clean and a failure leaves nothing behind.
    `keep`: a local source that happens to live in dest_dir under our name (re-fetch of the result)."""
    try:
        names = os.listdir(dest_dir)
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(STEM + "."):
            p = os.path.join(dest_dir, name)
            if keep is not None and os.path.abspath(p) == os.path.abspath(keep):
                continue
            try:
                if os.path.isfile(p) or os.path.islink(p):
                    os.unlink(p)
            except FileNotFoundError:
                pass


def ext_of(path: str) -> str:
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    return ext if re.fullmatch(r"[a-z0-9]{1,10}", ext) else "bin"

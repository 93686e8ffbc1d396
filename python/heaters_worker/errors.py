"""Typed errors an op raises; the worker loop turns them into {type:"error", error:{code, message}}."""


class OpError(Exception):
    """An expected failure with a stable code the daemon can record on the video."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

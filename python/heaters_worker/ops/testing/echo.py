"""echo (test only): returns its args unchanged."""
from typing import Any

NAME = "echo"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    return args

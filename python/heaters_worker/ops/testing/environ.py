"""environ (test only): the names of the environment variables the worker sees."""
import os
from typing import Any

NAME = "environ"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    return {"names": sorted(os.environ)}

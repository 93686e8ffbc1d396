"""Op registry: one module per op. Each module defines NAME, TEST_ONLY and run(args: dict, ctx: OpContext) -> dict.

Add an op by writing ops/<name>.py and listing it in MODULES (test-only ops live in ops/testing/).
"""
import importlib
from types import ModuleType

MODULES = [
    "ping",
    "detect_scenes",
    "download",
    "testing.echo",
    "testing.sleep",
    "testing.crash",
    "testing.print_to_stdout",
    "testing.big_result",
    "testing.progress",
    "testing.frame_diff",
]


def load_registry(enable_test_ops: bool) -> dict[str, ModuleType]:
    registry: dict[str, ModuleType] = {}
    for name in MODULES:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            # Only tolerate a missing op module itself, never a missing dependency inside one.
            if e.name == f"{__name__}.{name}":
                continue
            raise
        if getattr(mod, "TEST_ONLY", False) and not enable_test_ops:
            continue
        registry[mod.NAME] = mod
    return registry

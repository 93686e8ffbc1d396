"""Op registry: one module per op. Each module defines NAME, TEST_ONLY and run(args: dict, ctx: OpContext) -> dict.

Production ops are listed in MODULES. Test-only ops live in ops/testing/ and are discovered there,
loaded only when the worker runs with --test-ops.
"""
import importlib
import pkgutil
from types import ModuleType

MODULES = ["ping", "download", "resolve", "detect_scenes"]


def load_registry(enable_test_ops: bool) -> dict[str, ModuleType]:
    registry: dict[str, ModuleType] = {}
    for name in MODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        registry[mod.NAME] = mod
    if enable_test_ops:
        from . import testing

        for info in pkgutil.iter_modules(testing.__path__):
            mod = importlib.import_module(f"{testing.__name__}.{info.name}")
            if getattr(mod, "TEST_ONLY", False):
                registry[mod.NAME] = mod
    return registry

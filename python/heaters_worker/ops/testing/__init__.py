"""Ops that exist only for tests and benchmarks; enabled by --test-ops."""

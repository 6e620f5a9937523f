"""Benchmarks of scalingo_async against raw aiohttp, raw websockets, orjson and pydantic.

Run `python -m benchmarks` (every measure, one table) or `python -m benchmarks --quick`.
"""

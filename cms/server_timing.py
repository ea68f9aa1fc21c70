"""A ``Server-Timing`` header on every response, for benchmarks and profiling:
total time, database time, the number of queries and whether the page cache
answered. On only with ``SERVER_TIMING=true``: it tells anyone how much work a
page takes."""

import time
from contextlib import ExitStack

from django.db import connections


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        total = (time.perf_counter() - started) * 1000
        metrics = [
            f"total;dur={total:.2f}",
            f"db;dur={counter.seconds * 1000:.2f}",
            f'queries;desc="{counter.count}"',
        ]
        cache_state = getattr(request, "page_cache", None)
        if cache_state:
            metrics.append(f'cache;desc="{cache_state}"')
        response["Server-Timing"] = ", ".join(metrics)
        return response

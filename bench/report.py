"""The benchmark's results: ratios between sizes, the targets of issue 8, the
printed tables and the JSON file."""

import json
from datetime import UTC, datetime
from pathlib import Path

# (target name, scenario, mode, figure, at most) for CPU-ms per request in gunicorn.
CPU_TARGETS = [
    ("uncached article", "article", "uncached", 20),
    ("uncached index", "index", "uncached", 16),
    ("uncached API listing fields=*,body", "api_listing_body", "uncached", 35),
    ("uncached API listing fields=*", "api_listing", "uncached", 16),
    ("cached article", "article", "cached", 1.5),
]
# Scenarios whose p50 should hardly grow from the smallest to the largest size.
FLAT_SCENARIOS = ["index", "topic", "api_listing", "api_listing_body"]
FLAT_RATIO = 1.3
RARE_SEARCH_RATIO = 3
VARNISH_SHARE = 50  # per cent of nginx's requests per second


def find(run, name, mode):
    return next(
        (s for s in run["scenarios"] if s["name"] == name and s["mode"] == mode), None
    )


def ratio(numerator, denominator, digits=2):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def ratios(runs, rare_term, common_term):
    """p50 at the largest size over p50 at the smallest, per scenario and mode, and
    Varnish against nginx for every size."""
    result = {"p50_largest_over_smallest": {}, "varnish_over_nginx_percent": {}}
    for run in runs:
        varnish, nginx = find(run, "article", "varnish"), find(run, "article", "nginx")
        if varnish and nginx:
            result["varnish_over_nginx_percent"][str(run["n"])] = ratio(
                100 * varnish["req_per_s"], nginx["req_per_s"], 1
            )
    if len(runs) < 2:
        return result
    small, large = runs[0], runs[-1]
    result["sizes"] = [small["n"], large["n"]]
    names = FLAT_SCENARIOS + ["search_rare", "search_common"]
    for name in names:
        for mode in ("uncached", "cached"):
            a, b = find(small, name, mode), find(large, name, mode)
            if a and b:
                key = f"{name} {mode}"
                result["p50_largest_over_smallest"][key] = ratio(
                    b["p50_ms"], a["p50_ms"]
                )
    result["terms"] = {"search_rare": rare_term, "search_common": common_term}
    return result


def targets(runs, computed_ratios):
    """Each target of issue 8, for every size, marked pass or fail (None when the
    figure is missing)."""
    marks = []

    def mark(name, n, value, limit, passed):
        marks.append(
            {
                "target": name,
                "n": n,
                "value": value,
                "limit": limit,
                "pass": None if value is None else passed,
            }
        )

    for run in runs:
        for label, name, mode, limit in CPU_TARGETS:
            scenario = find(run, name, mode)
            value = scenario["cpu_ms_per_request"]["gunicorn"] if scenario else None
            mark(
                f"{label} CPU-ms/request",
                run["n"],
                value,
                f"<= {limit}",
                value is not None and value <= limit,
            )
        share = computed_ratios["varnish_over_nginx_percent"].get(str(run["n"]))
        mark(
            "Varnish req/s as % of nginx",
            run["n"],
            share,
            f">= {VARNISH_SHARE}",
            share is not None and share >= VARNISH_SHARE,
        )
        bad = [f"{s['name']} {s['mode']}" for s in run["scenarios"] if not s["all_200"]]
        mark(
            "every response 200", run["n"], bad or "all 200", "no other status", not bad
        )
        if run.get("verification"):
            ok = run["verification"]["ok"]
            mark(
                "seeded article renders and is found by search",
                run["n"],
                "yes" if ok else run["verification"]["failed"],
                "yes",
                ok,
            )
    p50 = computed_ratios["p50_largest_over_smallest"]
    if p50:
        sizes = "/".join(str(n) for n in computed_ratios["sizes"][::-1])
        for name in FLAT_SCENARIOS:
            key = f"{name} uncached"
            mark(
                f"{key} p50 ratio {sizes}",
                None,
                p50.get(key),
                f"<= {FLAT_RATIO}",
                p50.get(key) is not None and p50[key] <= FLAT_RATIO,
            )
        key = "search_rare uncached"
        mark(
            f"{key} p50 ratio {sizes}",
            None,
            p50.get(key),
            f"<= {RARE_SEARCH_RATIO}",
            p50.get(key) is not None and p50[key] <= RARE_SEARCH_RATIO,
        )
    return marks


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def postgres_cpu(scenario):
    """PostgreSQL's CPU per request, starred when other databases on the server had
    transactions during the run (the figure then includes their work)."""
    value = fmt(scenario["pg_cpu_ms_per_request"], 2)
    return f"{value}*" if scenario.get("pg_other_transactions") else value


COLUMNS = [
    ("scenario", 18, lambda s: s["name"]),
    ("mode", 8, lambda s: s["mode"]),
    ("req/s", 9, lambda s: fmt(s["req_per_s"])),
    ("p50 ms", 8, lambda s: fmt(s["p50_ms"], 2)),
    ("p99 ms", 8, lambda s: fmt(s["p99_ms"], 2)),
    ("non-200", 7, lambda s: fmt(s["non_2xx_3xx"] + (s["precheck_status"] != 200))),
    ("CPU ms/req", 10, lambda s: fmt(s["server_cpu_ms_per_request"], 2)),
    ("PG ms/req", 9, lambda s: postgres_cpu(s)),
    ("Redis ms/req", 12, lambda s: fmt(s["cpu_ms_per_request"].get("redis"), 2)),
    ("queries", 7, lambda s: fmt(s["queries"])),
    ("cache", 13, lambda s: fmt(s["cache"])),
    ("others %", 8, lambda s: fmt((s["machine"] or {}).get("other_programs_percent"))),
]


def table(run):
    lines = [
        f"N = {run['n']:,} seeded articles ({run['articles']:,} live articles in all)"
    ]
    header = "  ".join(
        title.rjust(width) if i > 1 else title.ljust(width)
        for i, (title, width, _) in enumerate(COLUMNS)
    )
    lines += [header, "-" * len(header)]
    for scenario in run["scenarios"]:
        lines.append(
            "  ".join(
                str(get(scenario)).rjust(width)
                if i > 1
                else str(get(scenario)).ljust(width)
                for i, (_, width, get) in enumerate(COLUMNS)
            )
        )
    lines.append(
        "CPU ms/req: gunicorn (or nginx, or Varnish plus gunicorn) per request; PG: "
        "the PostgreSQL server (*: other databases were busy too); Redis: the cache. "
        "queries and cache: Server-Timing of one request after the warm-up. "
        "others %: the machine's CPU used by other programs during the run (high: "
        "the figures are less reliable)."
    )
    return "\n".join(lines)


def summary(computed_ratios, marks):
    lines = ["Ratios"]
    for key, value in computed_ratios["p50_largest_over_smallest"].items():
        lines.append(f"  p50 {key}: {fmt(value, 2)}")
    for n, value in computed_ratios["varnish_over_nginx_percent"].items():
        lines.append(f"  Varnish/nginx req/s at N={n}: {fmt(value)} %")
    lines.append("Targets")
    for mark in marks:
        state = {True: "PASS", False: "FAIL", None: "n/a "}[mark["pass"]]
        where = f" (N={mark['n']:,})" if mark["n"] else ""
        value = mark["value"]
        value = ", ".join(value) if isinstance(value, list) else fmt(value, 2)
        lines.append(f"  {state}  {mark['target']}{where}: {value} ({mark['limit']})")
    return "\n".join(lines)


def write(results_dir, data):
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"{stamp}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path

"""What the benchmark prints: `name: value unit` lines, latency percentiles, where the cores
went, and the machine it ran on."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable
from pathlib import Path

import psycopg
import redis

FIGURES: dict[str, tuple[float | str, str]] = {}


def emit(name: str, value: float | int | str, unit: str = "") -> None:
    FIGURES[name] = (value, unit)
    if isinstance(value, float):
        text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"
    else:
        text = str(value)
    print(f"{name}: {text}{' ' + unit if unit else ''}", flush=True)


def figure(name: str) -> float:
    return float(FIGURES[name][0])


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def emit_latency(prefix: str, latencies: list[float], ps: Iterable[int] = (50, 95, 99)) -> None:
    for p in ps:
        emit(f"{prefix}_p{p}", percentile(latencies, p) * 1000, "ms")


def cpu_snapshot(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far: by each process group named in `groups` (name -> pgid), by every
    PostgreSQL process, and by the whole machine (`machine`), read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys([*groups, "postgres"], 0.0)
    by_pgid = {pgid: name for name, pgid in groups.items()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        name = by_pgid.get(int(fields[2]))
        if name is not None:
            used[name] += seconds
        elif comm == "postgres":
            used["postgres"] += seconds
    jiffies = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    used["machine"] = (sum(jiffies) - jiffies[3] - jiffies[4]) / tick  # all but idle, iowait
    return used


def emit_cpu(phase: str, before: dict[str, float], after: dict[str, float], elapsed: float) -> None:
    """Cores used on average during the phase, per part; `other` is the load generator, Redis,
    the SMTP sink and anything else running on the machine."""
    parts = {name: (after[name] - before.get(name, 0.0)) / elapsed for name in after}
    parts["other"] = parts["machine"] - sum(v for k, v in parts.items() if k != "machine")
    for name in (*(k for k in parts if k not in ("machine", "other")), "other", "machine"):
        emit(f"{phase}_cpu_{name}", parts[name], "cores")


def load_average(phase: str) -> None:
    """The machine's 1-minute load average: above the core count, something else competes for
    the CPUs and the figures of that phase are pessimistic."""
    one, _, _ = os.getloadavg()
    emit(f"loadavg_{phase}", one, "")
    if one > (os.cpu_count() or 1):
        note(f"the machine is busy before {phase} (load {one:.1f}); figures are pessimistic")


def machine_info(redis_url: str, dsn: str) -> None:
    emit("machine_cpus", os.cpu_count() or 0)
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        emit("machine_memory", int(mem) / 2**20, "GiB")
    except OSError:
        pass
    emit("machine_cpu_model", model or platform.processor() or "unknown")
    emit("machine_python", platform.python_version())
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        emit("machine_postgresql", row[0] if row else "?")
        settings = conn.execute(
            "SELECT name, setting, coalesce(unit, '') FROM pg_settings WHERE name IN "
            "('shared_buffers', 'synchronous_commit', 'max_connections')"
        ).fetchall()
        for name, setting, unit in settings:
            emit(f"machine_pg_{name}", setting, unit)
    emit("machine_redis", redis.Redis.from_url(redis_url).info("server")["redis_version"])

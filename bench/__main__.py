"""`make bench`: run the benchmarks on a fresh database, write var/bench/results-<database>.json.

python -m bench sqlite        a fresh SQLite file in var/bench/ (the default)
python -m bench postgresql    a fresh database at BENCH_POSTGRES_URL, dropped and recreated
"""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kompas_bench"


def fresh_sqlite() -> str:
    database = OUT_DIR / "bench.sqlite3"
    for leftover in OUT_DIR.glob("bench.sqlite3*"):
        leftover.unlink()
    return f"sqlite:///{database}"


def fresh_postgresql() -> str:
    """Drop and recreate the benchmark database, so every run starts from the same state."""
    url = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
    name = urlsplit(url).path.lstrip("/")
    maintenance = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def main(database: str) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if database == "postgresql":
        try:
            url = fresh_postgresql()
        except Exception as error:  # noqa: BLE001 - any connection problem is reported the same way
            print(f"PostgreSQL is not reachable for the benchmark ({error}).", file=sys.stderr)
            print("Start it, or set BENCH_POSTGRES_URL to a server you may create databases on.")
            return 2
    else:
        url = fresh_sqlite()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # Measure what production renders: no template debugging, no query logging.
    settings.DEBUG = False

    from bench.harness import cases, measure, published_shares, share_table, table
    from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
    from kompas.frameworks.services import framework_import

    framework_import(path=SHIPPED_FRAMEWORK)
    runs = int(os.environ.get("BENCH_RUNS", "200"))
    results = [measure(case) for case in cases(runs=runs, database=database)]
    shares = published_shares()
    report = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "benchmarks": [result.as_dict() for result in results],
        "published_share": shares,
    }
    output = OUT_DIR / f"results-{database}.json"
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\n{database}\n{table(results)}")
    print(f"\n{share_table(shares)}")
    print(f"\nWritten to {output}")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    chosen = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if chosen not in {"sqlite", "postgresql"}:
        sys.exit(f"usage: python -m bench [sqlite|postgresql], not {chosen!r}")
    sys.exit(main(chosen))

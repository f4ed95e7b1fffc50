"""`make bench`: run the benchmarks on a fresh SQLite database, write var/bench/results.json."""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    database = OUT_DIR / "bench.sqlite3"
    for leftover in OUT_DIR.glob("bench.sqlite3*"):
        leftover.unlink()
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # Measure what production renders: no template debugging, no query logging.
    settings.DEBUG = False

    from bench.harness import cases, measure, table
    from kompas.core.demo import SHIPPED_FRAMEWORK
    from kompas.frameworks.services import framework_import

    framework_import(path=SHIPPED_FRAMEWORK)
    runs = int(os.environ.get("BENCH_RUNS", "200"))
    results = [measure(case) for case in cases(runs=runs)]
    report = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "benchmarks": [result.as_dict() for result in results],
    }
    (OUT_DIR / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nWritten to {OUT_DIR / 'results.json'}")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.demo.synthetic import (
    FIRST_BG_NUMBER,
    MAX_BOARDS,
    MAX_ROUNDS,
    SyntheticError,
    sector_seed,
)
from kompas.monitoring.aggregates import release_now


class Command(BaseCommand):
    help = (
        "Fill a fresh database with a synthetic sector for load tests: N boards "
        f"(bevoegd-gezagnummers from {FIRST_BG_NUMBER}), R monitoring rounds of the shipped "
        "framework with their submissions, then compute each round's figures. Deterministic "
        "per --seed; refuses a database that was seeded before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--boards", type=int, required=True, help=f"number of boards, 1 to {MAX_BOARDS:,}"
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=1,
            help=f"number of yearly rounds from 2024, 1 to {MAX_ROUNDS}",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        try:
            result = sector_seed(
                boards=options["boards"], rounds=options["rounds"], seed=options["seed"]
            )
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        seeded = time.perf_counter() - start
        self.stdout.write(
            f"Seeded {result.boards:,} boards, {len(result.rounds)} rounds, "
            f"{result.submissions:,} submissions, {result.scores:,} scores, "
            f"{result.consents:,} consents in {seeded:.1f} s."
        )
        for round_ in result.rounds:
            begin = time.perf_counter()
            release_now(round_=round_)
            self.stdout.write(
                f"Release of {round_.name} computed in {time.perf_counter() - begin:.1f} s."
            )
        self.stdout.write(f"Done in {time.perf_counter() - start:.1f} s.")

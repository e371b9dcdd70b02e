"""Seeded, deterministic demo data: messy department list files (附件4), work orders
(附件5) and broken files, for ``callcentre demo``, tests and the import benchmark."""

from .generator import (
                        DEPARTMENTS,
                        GeneratedFile,
                        ListStyle,
                        generate_bench_lists,
                        generate_demo,
                        write_list_xlsx,
                        write_manifest,
)
from .mess import ALL_ROW_KINDS, BENCH_RATES, DEMO_RATES, make_list_rows
from .population import Population, make_population

__all__ = [
    "ALL_ROW_KINDS", "BENCH_RATES", "DEMO_RATES", "DEPARTMENTS", "GeneratedFile", "ListStyle",
    "Population", "generate_bench_lists", "generate_demo", "make_list_rows", "make_population",
    "write_list_xlsx", "write_manifest",
]

"""``acq catalog ls/search/show/export/ingest``: the catalog from the shell."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from typing import Any

from acq._exceptions import CatalogError
from acq.catalog import Catalog, FullText, Key, Query, Regex, Run, TimeRange

_EXPR = re.compile(r"^(?P<key>[\w.\-]+?)\s*(?P<op>==|!=|<=|>=|=~|=|<|>)\s*(?P<value>.*)$")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--uri", default=None, help="SQLite path or postgresql:// URI (default: the user catalog)"
    )
    sub = parser.add_subparsers(dest="catalog_command", metavar="ACTION")
    ls = sub.add_parser("ls", help="list the newest runs")
    ls.add_argument("-n", "--limit", type=int, default=20, help="how many runs (default 20)")
    search = sub.add_parser("search", help="list runs matching all the conditions")
    search.add_argument(
        "conditions",
        nargs="*",
        help="KEY==VALUE, KEY!=VALUE, KEY<VALUE, KEY>=VALUE, KEY=~REGEX (stop.KEY for the stop"
        " document); VALUE is JSON when it parses, else a string",
    )
    search.add_argument("--since", help="runs started at or after (ISO time)")
    search.add_argument("--until", help="runs started before (ISO time)")
    search.add_argument("--timezone", help="IANA time zone of --since/--until")
    search.add_argument("--text", help="words to find anywhere in the metadata")
    search.add_argument("-n", "--limit", type=int, default=20, help="how many runs (default 20)")
    show = sub.add_parser("show", help="print a run's metadata and streams")
    show.add_argument("run", help="-1 (newest), a scan id, or a uid (prefix)")
    export = sub.add_parser("export", help="write a run's documents through a writer")
    export.add_argument("run", help="-1 (newest), a scan id, or a uid (prefix)")
    export.add_argument("format", help="jsonl, msgpack, csv, nexus, spec or tiff")
    export.add_argument("destination", help="directory to write into")
    ingest = sub.add_parser("ingest", help="ingest saved JSONL/msgpack document files")
    ingest.add_argument("paths", nargs="+", help="files or directories")


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _condition(text: str) -> Query:
    match = _EXPR.match(text)
    if match is None:
        raise CatalogError(
            f"cannot read the search condition {text!r}: expected KEY==VALUE, KEY!=VALUE, "
            "KEY<VALUE, KEY<=VALUE, KEY>VALUE, KEY>=VALUE or KEY=~REGEX"
        )
    key, op, value = match["key"], match["op"], match["value"]
    if op == "=~":
        return Regex(key, value)
    k, v = Key(key), _value(value)
    ops = {
        "=": k.__eq__,
        "==": k.__eq__,
        "!=": k.__ne__,
        "<": k.__lt__,
        "<=": k.__le__,
        ">": k.__gt__,
        ">=": k.__ge__,
    }
    query: Query = ops[op](v)
    return query


def _run_key(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _line(run: Run) -> str:
    start = run.start
    when = datetime.fromtimestamp(start["time"]).strftime("%Y-%m-%d %H:%M:%S")
    scan = start.get("scan_id", "")
    plan = start.get("plan_name", "")
    status = run.stop.get("exit_status", "") if run.stop else "incomplete"
    return f"{run.uid[:8]}  {scan!s:>6}  {when}  {plan!s:<20} {status}"


def _print_runs(runs: list[Run]) -> None:
    print(f"{'uid':8}  {'scan':>6}  {'started':19}  {'plan':<20} status")
    for run in runs:
        print(_line(run))


def _show(run: Run) -> None:
    print(json.dumps({"start": run.start, "stop": run.stop}, indent=2, default=str))
    for name, stream in run.streams.items():
        print(f"stream {name!r}:")
        for key, dk in stream.data_keys.items():
            ext = f" external={dk['external']}" if dk.get("external") else ""
            print(f"  {key}: {dk.get('dtype')} shape={dk.get('shape')}{ext}")


def _dispatch(cat: Catalog, args: argparse.Namespace) -> int:
    command = args.catalog_command
    if command == "ls":
        _print_runs(cat.page(0, args.limit))
    elif command == "search":
        view = cat
        for text in args.conditions:
            view = view.search(_condition(text))
        if args.since or args.until:
            view = view.search(TimeRange(args.since, args.until, args.timezone))
        if args.text:
            view = view.search(FullText(args.text))
        _print_runs(view.page(0, args.limit))
    elif command == "show":
        _show(cat[_run_key(args.run)])
    elif command == "export":
        for path in cat[_run_key(args.run)].export(args.format, args.destination):
            print(path)
    else:  # ingest
        failed = False
        for path in args.paths:
            report = cat.ingest(path)
            print(f"{path}: {len(report.runs)} run(s), {report.documents} document(s)")
            for error in report.errors:
                print(f"  skipped {error}", file=sys.stderr)
            failed = failed or not report.ok
        return 1 if failed else 0
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.catalog_command is None:
        print("usage: acq catalog {ls,search,show,export,ingest} ... (see --help)")
        return 2
    try:
        with Catalog.open(args.uri) as cat:
            return _dispatch(cat, args)
    except (CatalogError, KeyError) as exc:
        print(f"acq catalog: {exc}", file=sys.stderr)
        return 1

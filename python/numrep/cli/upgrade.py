"""numrep upgrade DB [--region US]: rewrite a database in the current directory format (2), in
place and crash-safe; `--region` sets the region its national forms are read in."""

from __future__ import annotations

import argparse
import os

from .common import EXIT_OK, open_db, region_option, region_text, said_if_saved_when_interrupted
from .output import shown_path


def run(args: argparse.Namespace) -> int:
    before = "format 2" if os.path.isfile(os.path.join(args.db, "MANIFEST")) else "format 1"
    db = open_db(args.db)
    # New files, then one rename of the manifest: a crash leaves the old or the new.
    with said_if_saved_when_interrupted(args.db):
        if args.region is None:
            db.save(args.db)
            region = db.region
        else:  # format 1 kept no region: numrep 0.1 read national forms as VN; 'none': international only
            region = region_option(args.region)
            db.save(args.db, region=region)
    region = region.upper() if region else "none"  # as saved ("us" is US)
    print(f"{shown_path(args.db)}: {before} -> format 2, {len(db):,} reported numbers, region {region}")
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    upgrade = commands.add_parser("upgrade", help="rewrite a database in the current format (in place, crash-safe)")
    upgrade.add_argument("db", metavar="DB", help="database directory")
    upgrade.add_argument("--region", default=None, type=region_text,
                         help="region of national forms from now on (default: the database's; format 1 "
                              "databases were read as VN; 'none': international forms only)")
    upgrade.set_defaults(run=run)

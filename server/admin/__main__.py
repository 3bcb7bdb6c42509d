"""python -m server.admin create-admin PERSONAL_ID --name "Họ và tên" --province 01 --data-dir DIR

The first administrator of a province, so that a new province can be set up from an empty data dir:
from then on its administrators do everything else in the console, where each change is audited
(this one too, as made from the server's command line)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from api_client.identifiers import N_

from ..areas import AREAS
from ..errors import ApiError
from ..population import bilingual
from ..storage import open_database
from ..storage.db import DATABASE_URL_VARIABLE
from ..storage.population import PopulationStore
from ..storage.private import keep_private
from .service import Administration

CREATED = N_("Administrator {name} ({personal_id}) of {province} can now sign in and open “Administration”.")
NOT_CREATED = N_("No administrator was created: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.admin", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="give a person the administrator role of a province")
    create.add_argument("personal_id", metavar="PERSONAL_ID")
    create.add_argument("--province", required=True, help="the province's code in the national list, e.g. 01")
    create.add_argument("--name", default=None, help="full name as on the chip ID card (checked against the "
                                                     "register when the person is in it)")
    create.add_argument("--data-dir", type=Path, default=Path("data"))
    create.add_argument("--database", default=os.environ.get(DATABASE_URL_VARIABLE) or None, metavar="URL",
                        help="postgresql://USER@HOST/DB (default: $SSKDT_DATABASE_URL, else SQLite in the data dir)")
    args = parser.parse_args(argv)

    keep_private(args.data_dir)
    database = open_database(args.data_dir / "book.db", args.database)
    try:
        PopulationStore(database).save_areas(AREAS)  # the national list this server knows
        administration = Administration(database, time.time)
        name = args.name or administration.store.known_name(args.personal_id) or ""
        try:
            entry = administration.create_admin(args.personal_id, name, args.province)
        except ValidationError as invalid:
            reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in invalid.errors())
            print(bilingual(NOT_CREATED, reason=reasons), file=sys.stderr)
            return 1
        except ApiError as refusal:
            details = "; ".join(f"{d['field']}: {d['message']}" for d in refusal.details)
            reason = bilingual(refusal.message, **refusal.params) + (f" ({details})" if details else "")
            print(bilingual(NOT_CREATED, reason=reason), file=sys.stderr)
            return 1
        province = administration.population.area(args.province)
        print(bilingual(CREATED, name=entry.full_name, personal_id=entry.personal_id,
                        province=province.name if province else args.province))
        return 0
    finally:
        database.close()


if __name__ == "__main__":
    sys.exit(main())

"""The population register of the pilot communes: reading the commune's CSV, importing it, and the demo's.

    python -m server.population import FILE.csv --data-dir DIR [--database URL]
    python -m server.population areas --data-dir DIR [--database URL]

The file has the header `personal_id,full_name,birth_date,sex,commune_code,residence,status`, optionally
followed by `hamlet` (tổ dân phố, thôn); UTF-8, with or without BOM (Excel's "CSV UTF-8"). Every row is
checked before anything is stored: a file with one bad row is refused whole, each problem named by its
line as a spreadsheet shows it (the header is line 1) and its column, never by the value it holds.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from api_client.identifiers import N_, check_personal_id, personal_id_matches
from api_client.models import Residence, ResidentStatus, Sex
from locales import translations

from .areas import AREAS
from .demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES
from .storage import open_database
from .storage.db import DATABASE_URL_VARIABLE
from .storage.population import ImportResult, PopulationStore, ResidentRow, UnknownArea
from .storage.private import keep_private

__all__ = [
    "DEMO_RESIDENTS", "HEADER", "ImportResult", "Problem", "Register", "RegisterRefused", "ResidentRow",
    "demo_residents", "describe", "import_register", "main", "read_register", "seed_demo_population",
]

HEADER = ("personal_id", "full_name", "birth_date", "sex", "commune_code", "residence", "status")
HAMLET = "hamlet"
SHOWN_PROBLEMS = 20
NAME_LENGTH = 255
HAMLET_LENGTH = 100
EARLIEST_BIRTH = date(1900, 1, 1)
REGISTER_SEXES = (Sex.MALE, Sex.FEMALE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"^\d+$")

# What a refusal says; each msgid reads as a clause after "Line 7, birth_date:".
ON_LINE = N_("Line {line}, {column}: {problem}")
ON_ROW = N_("Line {line}: {problem}")
REQUIRED = N_("this field is required.")
TOO_LONG = N_("longer than {limit} characters.")
NUL = N_("contains a NUL character (\\u0000): remove it.")
ONE_OF = N_("must be one of: {values}.")
NOT_A_DATE = N_("not a valid date (use YYYY-MM-DD).")
BIRTH_OUT_OF_RANGE = N_("the birth date cannot be in the future or before 1900.")
ID_DIGITS = N_("the personal ID number must have exactly 12 digits.")
ID_ZEROS = N_("the personal ID number must have exactly 12 digits (a spreadsheet may have dropped its leading "
              "zeros: format the column as text).")
ID_PROVINCE = N_("the first three digits of the personal ID number are not a province code.")
ID_MISMATCH = N_("the personal ID number does not match the birth year or the sex.")
ID_TWICE = N_("the same personal ID number is on line {first} already.")
NOT_A_COMMUNE = N_("not the code of a commune or ward in the list of administrative areas.")
COMMUNE_ZEROS = N_("not the code of a commune or ward in the list of administrative areas (a commune code has "
                   "5 digits: a spreadsheet may have dropped its leading zeros; format the column as text).")
BAD_HEADER = N_("the first line must be exactly {header}, optionally followed by ,hamlet (columns separated by "
                "commas).")
COLUMN_COUNT = N_("the row has {count} columns where the header has {expected}.")
NOT_CSV = N_("this row cannot be read as CSV: check its quotation marks.")
NOT_UTF8 = N_("the file is not UTF-8 text: save it again as \"CSV UTF-8\".")
AND_MORE = N_("… and {count} more.")
REFUSED = N_("The file was not imported and nothing was stored (problems: {count}). Correct the file and import it "
             "again.")
IMPORTED = N_("Residents imported: {added} added, {updated} updated, {unchanged} unchanged.")
AREAS_SAVED = N_("Administrative areas saved: {count}.")
CANNOT_READ = N_("The file {path} cannot be read.")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file: a msgid and its parameters, at a line (and column) of the file."""

    line: int
    column: str | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str]) -> str:
        problem = translate(self.message).format(**self.params)
        if self.column is None:
            return translate(ON_ROW).format(line=self.line, problem=problem)
        return translate(ON_LINE).format(line=self.line, column=self.column, problem=problem)


class RegisterRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class Register:
    rows: list[ResidentRow]
    hamlets: bool  # the file has the hamlet column


def bilingual(message: str, **params: Any) -> str:
    """Vietnamese first, then English, as the command prints every message."""
    return " / ".join(translations(lang).gettext(message).format(**params) for lang in ("vi", "en"))


def describe(problems: list[Problem], shown: int = SHOWN_PROBLEMS) -> list[str]:
    """The lines a person reads: the first `shown` problems, Vietnamese then English, and how many more."""
    lines = [" / ".join(problem.text(translations(lang).gettext) for lang in ("vi", "en"))
             for problem in problems[:shown]]
    if len(problems) > shown:
        lines.append(bilingual(AND_MORE, count=len(problems) - shown))
    return lines


# ------------------------------------------------------------------ reading a register


def _text(value: str) -> str:
    """NFC (Vietnamese typed on some systems arrives decomposed), one space between words, and no invisible
    format characters (a stray BOM, zero-width space or direction mark would make the resident's own chip
    card differ from the register)."""
    visible = "".join(char for char in value if unicodedata.category(char) != "Cf")
    return " ".join(unicodedata.normalize("NFC", visible).split())


def _records(text: str) -> Iterator[tuple[int, list[str] | None]]:
    """Each record with its line number as a spreadsheet counts it; None for a record csv cannot read
    (then nothing after it is read)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    while True:
        line += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line, None
            return
        yield line, record


def _personal_id(value: str) -> tuple[str | None, str | None]:
    """The checked ID, or the msgid of what is wrong with it."""
    if _DIGITS.fullmatch(value) and len(value) < 12:
        return None, ID_ZEROS
    try:
        return check_personal_id(value), None
    except ValueError as error:  # PydanticCustomError
        return None, ID_PROVINCE if getattr(error, "type", "") == "personal_id_province" else ID_DIGITS


def read_register(content: bytes, *, communes: Collection[str], today: date) -> Register:
    """The residents of a register file, every row checked; raises RegisterRefused naming every problem."""
    problems: list[Problem] = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterRefused([Problem(content[:error.start].count(b"\n") + 1, None, NOT_UTF8)]) from None
    records = _records(text)
    first = next(records, None)
    header = tuple(cell.strip() for cell in first[1] or ()) if first else ()
    if header not in (HEADER, (*HEADER, HAMLET)):
        raise RegisterRefused([Problem(1, None, BAD_HEADER, {"header": ",".join(HEADER)})])
    hamlets = len(header) > len(HEADER)
    rows: list[ResidentRow] = []
    seen: dict[str, int] = {}
    for line, record in records:
        if record is None:
            problems.append(Problem(line, None, NOT_CSV))
            break
        if not any(cell.strip() for cell in record):  # a blank line, or a row of empty cells
            continue
        if hamlets and len(record) == len(HEADER):  # a trailing empty hamlet cell left out
            record = [*record, ""]
        if len(record) != len(header):
            problems.append(Problem(line, None, COLUMN_COUNT, {"count": len(record), "expected": len(header)}))
            continue
        row = _read_row(line, dict(zip(header, record, strict=True)), communes, today, seen, problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise RegisterRefused(problems)
    return Register(rows, hamlets)


def _read_row(line: int, cells: dict[str, str], communes: Collection[str], today: date, seen: dict[str, int],
              problems: list[Problem]) -> ResidentRow | None:
    found: list[Problem] = []

    def refuse(column: str, message: str, **params: Any) -> None:
        found.append(Problem(line, column, message, params))

    values: dict[str, str] = {}
    for column, cell in cells.items():
        value = _text(cell)
        if "\x00" in value:
            refuse(column, NUL)
        elif not value and column != HAMLET:
            refuse(column, REQUIRED)
        else:
            values[column] = value

    personal_id = None
    if "personal_id" in values:
        personal_id, wrong = _personal_id(values["personal_id"])
        if wrong:
            refuse("personal_id", wrong)
    full_name = values.get("full_name")
    if full_name is not None and len(full_name) > NAME_LENGTH:
        refuse("full_name", TOO_LONG, limit=NAME_LENGTH)
    birth = None
    if "birth_date" in values:
        try:
            if not _ISO_DATE.fullmatch(values["birth_date"]):
                raise ValueError
            birth = date.fromisoformat(values["birth_date"])
        except ValueError:
            refuse("birth_date", NOT_A_DATE)
        else:
            if not EARLIEST_BIRTH <= birth <= today:
                refuse("birth_date", BIRTH_OUT_OF_RANGE)
                birth = None
    sex = _choice(values, "sex", REGISTER_SEXES, refuse)
    commune = values.get("commune_code")
    if commune is not None and commune not in communes:
        refuse("commune_code", COMMUNE_ZEROS if _DIGITS.fullmatch(commune) and len(commune) < 5 else NOT_A_COMMUNE)
    residence = _choice(values, "residence", tuple(Residence), refuse)
    status = _choice(values, "status", tuple(ResidentStatus), refuse)
    hamlet = values.get(HAMLET) or None
    if hamlet is not None and len(hamlet) > HAMLET_LENGTH:
        refuse(HAMLET, TOO_LONG, limit=HAMLET_LENGTH)
    if personal_id and birth and sex and not personal_id_matches(personal_id, birth.year, sex):
        refuse("personal_id", ID_MISMATCH)
    if personal_id:
        if personal_id in seen:
            refuse("personal_id", ID_TWICE, first=seen[personal_id])
        else:
            seen[personal_id] = line
    problems.extend(sorted(found, key=lambda problem: list(cells).index(problem.column or "")))
    if found or not (personal_id and full_name and birth and sex and commune and residence and status):
        return None
    return ResidentRow(personal_id=personal_id, full_name=full_name, birth_date=birth, sex=Sex(sex),
                       commune_code=commune, residence=Residence(residence), status=ResidentStatus(status),
                       hamlet=hamlet)


def _choice(values: dict[str, str], column: str, allowed: tuple[str, ...],
            refuse: Callable[..., None]) -> str | None:
    value = values.get(column)
    if value is None:
        return None
    if value.lower() not in allowed:
        refuse(column, ONE_OF, values=", ".join(allowed))
        return None
    return value.lower()


def import_register(store: PopulationStore, content: bytes, today: date | None = None) -> ImportResult:
    """Check the whole file, then import it in one transaction; raises RegisterRefused, storing nothing."""
    register = read_register(content, communes=store.commune_codes(), today=today or date.today())
    return store.import_residents(register.rows, hamlets=register.hamlets)


# ------------------------------------------------------------------ the demo's register

# The demo accounts (birth dates as idp_mock/demo.py has them), in the wards the demo tells of: the
# volunteer (Đỗ Minh Quân) and the person he helps (Phạm Văn Tư) in Quán Thánh, where station 01901 is.
DEMO_RESIDENTS: tuple[ResidentRow, ...] = tuple(
    ResidentRow(personal_id=personal_id, full_name=name, birth_date=date.fromisoformat(birth), sex=Sex(sex),
                commune_code=commune, residence=Residence.PERMANENT, status=ResidentStatus.LIVING, hamlet=hamlet)
    for personal_id, name, birth, sex, commune, hamlet in (
        ("001055001234", "Nguyễn Văn Hùng", "1955-03-12", "male", "00013", "Tổ dân phố 3"),
        ("001190004567", "Trần Thị Mai", "1990-07-21", "female", "00008", "Tổ dân phố 5"),
        ("001075001111", "Lê Văn Đức", "1975-04-20", "male", "00004", "Tổ dân phố 8"),
        ("001183002222", "Nguyễn Thị Thu", "1983-08-15", "female", "00013", "Tổ dân phố 1"),
        ("001222008901", "Lê Minh An", "2022-02-14", "male", "00008", "Tổ dân phố 5"),
        ("001048002345", "Phạm Văn Tư", "1948-11-02", "male", "00013", "Tổ dân phố 7"),
        ("001098003456", "Đỗ Minh Quân", "1998-09-30", "male", "00013", "Tổ dân phố 2"),
        ("001192006789", "Hoàng Thị Lan", "1992-05-09", "female", "00004", "Tổ dân phố 4"),
        ("001085007890", "Ngô Thanh Bình", "1985-06-18", "male", "00049", "Tổ dân phố 1"),
        ("001191006543", "Đặng Thu Hương", "1991-04-14", "female", "00064", "Tổ dân phố 6"),
        ("001180005678", "Vũ Thị Hạnh", "1980-12-03", "female", "00004", "Tổ dân phố 9"),
    )
)
DEMO_WARDS = {"00013": 800, "00004": 550, "00008": 550, "00049": 550, "00064": 550}  # residents generated
DEMO_HAMLETS = 12
DEMO_FACILITY_COMMUNES = {
    "01901": "00013",  # Trạm Y tế phường Ba Đình: the demo's station, in Quán Thánh
    "01902": "00022",  # Bệnh viện Đa khoa Ba Đình (district hospital): Đội Cấn
    "01903": "00028",  # Bệnh viện Tim mạch Thăng Long: Kim Mã
    "01904": "00025",  # Bệnh viện Phụ sản Thăng Long: Ngọc Khánh
}
_DEMO_SERIALS = 700_000  # generated IDs end in 700001 and up: never one of the demo accounts' (below 010000)
# Ages in bands (share of residents): many elderly, as in the central wards.
_AGE_BANDS = ((0, 5, 6), (6, 17, 13), (18, 39, 27), (40, 59, 24), (60, 79, 21), (80, 95, 9))


def demo_residents(today: date, seed: int = 1955) -> list[ResidentRow]:
    """About 3 000 residents of five central wards of Hà Nội, the demo accounts among them; the same for
    the same year (ages count from 1 January, so a daily re-seed changes nothing)."""
    rng = random.Random(seed)
    year_start = date(today.year, 1, 1)
    residents = list(DEMO_RESIDENTS)
    serial = _DEMO_SERIALS
    for commune, count in DEMO_WARDS.items():
        for _ in range(count):
            serial += 1
            sex = rng.choice(REGISTER_SEXES)
            low, high, _share = rng.choices(_AGE_BANDS, weights=[band[2] for band in _AGE_BANDS])[0]
            birth = year_start - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
            century_digit = (birth.year // 100 - 19) * 2 + (sex == Sex.FEMALE)
            age = today.year - birth.year
            status = rng.choices(tuple(ResidentStatus), weights=(88, 8, 4 if age >= 60 else 0.5))[0]
            residence = rng.choices(tuple(Residence), weights=(70, 30) if 18 <= age < 40 else (92, 8))[0]
            residents.append(ResidentRow(
                personal_id=f"001{century_digit}{birth.year % 100:02d}{serial:06d}",
                full_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}",
                birth_date=birth, sex=sex, commune_code=commune, residence=residence, status=status,
                hamlet=f"Tổ dân phố {rng.randint(1, DEMO_HAMLETS)}",
            ))
    return residents


def seed_demo_population(store: PopulationStore, today: date | None = None) -> ImportResult:
    """The areas, the demo register and the demo facilities' communes; running it again changes nothing."""
    with store.transaction():
        store.save_areas(AREAS)
        result = store.import_residents(demo_residents(today or date.today()))
        for facility_code, commune_code in DEMO_FACILITY_COMMUNES.items():
            store.set_facility_commune(facility_code, commune_code)  # False where the facility is not seeded
    return result


def register_csv(rows: Iterable[ResidentRow], *, hamlets: bool = True) -> bytes:
    """A register file of these rows, as a commune would send it (tests, demos)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*HEADER, HAMLET] if hamlets else HEADER)
    for row in rows:
        cells = row.as_row()
        writer.writerow([cells[column] or "" for column in ([*HEADER, HAMLET] if hamlets else HEADER)])
    return out.getvalue().encode()


# ------------------------------------------------------------------ the command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.population", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="check a register CSV and import it (all rows or none)")
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    seeding = commands.add_parser("areas", help="save the administrative areas the pilot needs")
    for command in (importing, seeding):
        command.add_argument("--data-dir", type=Path, default=Path("data"))
        command.add_argument("--database", default=os.environ.get(DATABASE_URL_VARIABLE) or None, metavar="URL",
                             help="postgresql://USER@HOST/DB (default: $SSKDT_DATABASE_URL, else SQLite in the data dir)")
    args = parser.parse_args(argv)

    content = b""
    if args.command == "import":
        try:
            content = args.file.read_bytes()
        except OSError:
            print(bilingual(CANNOT_READ, path=args.file), file=sys.stderr)
            return 1
    keep_private(args.data_dir)
    database = open_database(args.data_dir / "book.db", args.database)
    try:
        store = PopulationStore(database)
        count = store.save_areas(AREAS)
        if args.command == "areas":
            print(bilingual(AREAS_SAVED, count=count))
            return 0
        try:
            result = import_register(store, content)
        except RegisterRefused as refused:
            print(bilingual(REFUSED, count=len(refused.problems)), file=sys.stderr)
            for line in describe(refused.problems):
                print(line, file=sys.stderr)
            return 1
        except UnknownArea:  # the list changed between the check and the import
            print(bilingual(REFUSED, count=1), file=sys.stderr)
            return 1
    finally:
        database.close()
    print(bilingual(IMPORTED, added=result.added, updated=result.updated, unchanged=result.unchanged))
    return 0


if __name__ == "__main__":
    sys.exit(main())

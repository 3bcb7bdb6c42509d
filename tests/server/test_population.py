"""The areas and the population register: a commune's CSV imported whole or refused whole (each problem
named by line and column), imports that change nothing the second time, the ward's follow-up list, and
the demo's register. On both engines."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from api_client.identifiers import check_personal_id, personal_id_matches
from api_client.models import ACTIVATED_WITH, ActivationStep, AreaLevel, Residence, ResidentStatus, Sex
from idp_mock.demo import DEMO_ACCOUNTS
from locales import translations
from server.areas import AREAS, PILOT_PROVINCES, province_of
from server.demo import FACILITIES, le_minh_an
from server.population import (
    DEMO_FACILITY_COMMUNES,
    ON_LINE,
    RegisterRefused,
    demo_residents,
    describe,
    import_register,
    read_register,
    register_csv,
    seed_demo_population,
)
from server.storage import open_database
from server.storage.db import DATABASE_URL_VARIABLE, insert_all
from server.storage.population import PopulationStore, ResidentRow, UnknownArea

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "population"
TODAY = date(2026, 6, 15)
HEADER = "personal_id,full_name,birth_date,sex,commune_code,residence,status"
HUNG = "001045300011,Phạm Văn Lộc,1945-02-17,male,00013,permanent,living"
HOA = "001150300012,Lê Thị Hòa,1950-08-30,female,00013,permanent,living"
KHAI = "001072300013,Trần Văn Khải,1972-12-01,male,00013,temporary,living"


@pytest.fixture
def store(tmp_path, empty_database_url):
    database = open_database(tmp_path / "book.db", empty_database_url)
    store = PopulationStore(database)
    store.save_areas(AREAS)
    yield store
    database.close()


def csv_of(*lines: str, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode() + b"\r\n"


def english(problems) -> list[str]:
    return [problem.text(translations("en").gettext) for problem in problems]


def refusal(store: PopulationStore, content: bytes) -> list[str]:
    """What the refusal says, in English; and that nothing of the file was stored."""
    before = store.count_residents()
    with pytest.raises(RegisterRefused) as refused:
        import_register(store, content, TODAY)
    assert store.count_residents() == before
    return english(refused.value.problems)


def step_rows(personal_id: str, steps) -> list[dict]:
    return [{"personal_id": personal_id, "step": str(step), "done_at": "2026-06-01T09:00:00+07:00", "observed": 1,
             "helper_personal_id": None, "helper_name": None, "commune_code": "00013"} for step in steps]


# ------------------------------------------------------------------ areas


def test_the_pilot_areas_and_their_provinces():
    by_code = {area.code: area for area in AREAS}
    assert len(by_code) == len(AREAS)
    assert {code for code, area in by_code.items() if area.level == AreaLevel.PROVINCE} == set(PILOT_PROVINCES)
    assert by_code["01"].name == "Thành phố Hà Nội" and by_code["91"].name == "Tỉnh Kiên Giang"
    assert by_code["001"].name == "Quận Ba Đình" and by_code["002"].parent_code == "01"
    assert by_code["00013"].name == "Phường Quán Thánh" and by_code["00088"].name == "Phường Hàng Bài"
    assert sum(area.parent_code == "001" for area in AREAS) == 14
    assert sum(area.parent_code == "002" for area in AREAS) == 18
    for code in ("01", "001", "00013", "00064"):
        assert province_of(code).code == "01"
    assert province_of("37").name == "Tỉnh Ninh Bình"
    assert province_of("99999") is None


def test_areas_are_saved_once_and_found_by_their_parents(store):
    store.save_areas(AREAS)  # again: nothing doubles
    assert store.area("00013").name == "Phường Quán Thánh"
    assert store.area("99999") is None
    communes = store.areas_under("01", AreaLevel.COMMUNE)
    assert [area.code for area in communes] == sorted(area.code for area in AREAS if area.level == AreaLevel.COMMUNE)
    assert [area.code for area in store.areas_under("01", AreaLevel.DISTRICT)] == ["001", "002"]
    assert len(store.areas_under("002")) == 18
    assert store.areas_under("37") == []
    renamed = store.area("00013").model_copy(update={"name": "Phường Quán Thánh (mới)"})
    store.save_areas([renamed])
    assert store.area("00013") == renamed


def test_a_facility_stands_in_a_commune(data_dir, database_url):
    seeded = PopulationStore(open_database(data_dir / "book.db", database_url))
    try:
        seeded.save_areas(AREAS)
        assert seeded.set_facility_commune("01901", "00013")
        assert seeded.facility_commune("01901") == "00013"
        assert not seeded.set_facility_commune("09999", "00013")  # no such facility
        with pytest.raises(UnknownArea):
            seeded.set_facility_commune("01901", "001")  # a district, not a commune
    finally:
        seeded.database.close()


# ------------------------------------------------------------------ importing


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("hamlet", [False, True], ids=["no-hamlet", "hamlet"])
def test_a_good_file_imports_and_a_second_time_changes_nothing(store, bom, hamlet):
    if hamlet:
        content = csv_of(f"{HEADER},hamlet", f"{HUNG},Tổ dân phố 2", f"{HOA},", f"{KHAI},Tổ dân phố 10", bom=bom)
    else:
        content = csv_of(HEADER, HUNG, HOA, KHAI, bom=bom)
    result = import_register(store, content, TODAY)
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert store.resident("001045300011") == ResidentRow(
        personal_id="001045300011", full_name="Phạm Văn Lộc", birth_date=date(1945, 2, 17), sex=Sex.MALE,
        commune_code="00013", residence=Residence.PERMANENT, status=ResidentStatus.LIVING,
        hamlet="Tổ dân phố 2" if hamlet else None)
    assert store.resident("001150300012").hamlet is None
    assert store.count_residents() == 3 and store.count_residents("00013") == 3 and store.count_residents("00004") == 0

    again = import_register(store, content, TODAY)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_a_changed_row_updates_and_only_it(store):
    import_register(store, csv_of(f"{HEADER},hamlet", f"{HUNG},Tổ dân phố 2", f"{HOA},Tổ dân phố 3"), TODAY)
    moved = HOA.replace("00013", "00004").replace("living", "moved")
    result = import_register(store, csv_of(f"{HEADER},hamlet", f"{HUNG},Tổ dân phố 2", f"{moved},Tổ dân phố 3",
                                           f"{KHAI},Tổ dân phố 1"), TODAY)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 1)
    hoa = store.resident("001150300012")
    assert (hoa.commune_code, hoa.status) == ("00004", ResidentStatus.MOVED)
    assert store.count_residents("00013", ResidentStatus.LIVING) == 2


def test_a_register_without_the_hamlet_column_keeps_the_hamlets_on_record(store):
    import_register(store, csv_of(f"{HEADER},hamlet", f"{HUNG},Tổ dân phố 2"), TODAY)
    result = import_register(store, csv_of(HEADER, HUNG), TODAY)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1)
    assert store.resident("001045300011").hamlet == "Tổ dân phố 2"
    cleared = import_register(store, csv_of(f"{HEADER},hamlet", f"{HUNG},"), TODAY)  # an empty cell clears it
    assert cleared.updated == 1 and store.resident("001045300011").hamlet is None


def test_names_arrive_composed_and_trimmed(store):
    decomposed = "Phạm Văn Lộc".replace("ạ", "a\u0323").replace("ộ", "o\u0323\u0302")
    row = HUNG.replace("Phạm Văn Lộc", f"  {decomposed}   ")
    import_register(store, csv_of(HEADER, row.replace("male", " Male")), TODAY)
    assert store.resident("001045300011").full_name == "Phạm Văn Lộc"
    assert store.resident("001045300011").sex == Sex.MALE


def test_the_sample_register_imports(store):
    result = import_register(store, (FIXTURES / "register.csv").read_bytes(), TODAY)
    assert (result.added, result.updated, result.unchanged) == (10, 0, 0)
    assert store.resident("001315300016").full_name == "Vũ Thị Ngọc Ánh"


# Each kind of bad row, on line 3 after a good line 2: what the refusal names.
BAD_ROWS = {
    "dropped zeros": ("1045300011,Phạm Văn Lộc,1945-02-17,male,00013,permanent,living", "personal_id",
                      "the personal ID number must have exactly 12 digits (a spreadsheet may have dropped"),
    "letters in the ID": ("00104530001X,Phạm Văn Lộc,1945-02-17,male,00013,permanent,living", "personal_id",
                          "the personal ID number must have exactly 12 digits."),
    "no such province": ("003045300011,Phạm Văn Lộc,1945-02-17,male,00013,permanent,living", "personal_id",
                         "the first three digits of the personal ID number are not a province code."),
    "ID of a woman": (HUNG.replace("001045", "001145"), "personal_id",
                      "the personal ID number does not match the birth year or the sex."),
    "same ID twice": (HUNG, "personal_id", "the same personal ID number is on line 2 already."),
    "no name": (KHAI.replace("Trần Văn Khải", " "), "full_name", "this field is required."),
    "name too long": (KHAI.replace("Trần Văn Khải", "Khải " * 60), "full_name", "longer than 255 characters."),
    "day first": (KHAI.replace("1972-12-01", "01/12/1972"), "birth_date", "not a valid date (use YYYY-MM-DD)."),
    "no such day": (KHAI.replace("1972-12-01", "1972-02-30"), "birth_date", "not a valid date (use YYYY-MM-DD)."),
    "born tomorrow": ("001226300013,Trần Văn Khải,2026-06-16,male,00013,permanent,living", "birth_date",
                      "the birth date cannot be in the future or before 1900."),
    "born in 1899": ("001099300013,Trần Văn Khải,1899-12-31,male,00013,permanent,living", "birth_date",
                     "the birth date cannot be in the future or before 1900."),
    "sex in Vietnamese": (KHAI.replace("male", "nam"), "sex", "must be one of: male, female."),
    "unknown commune": (KHAI.replace(",00013,", ",99999,"), "commune_code",
                        "not the code of a commune or ward in the list of administrative areas."),
    "a district": (KHAI.replace(",00013,", ",001,"), "commune_code",
                   "not the code of a commune or ward in the list of administrative areas (a commune code has 5 digits"),
    "residence": (KHAI.replace("temporary", "owner"), "residence", "must be one of: permanent, temporary."),
    "status": (KHAI.replace("living", "alive"), "status", "must be one of: living, moved, deceased."),
    "NUL": (KHAI.replace("Khải", "Kh\x00ải"), "full_name", "contains a NUL character"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_refused_by_line_and_column_and_nothing_is_stored(store, kind):
    import_register(store, csv_of(HEADER, KHAI), TODAY)  # already there: a refusal must not touch it
    row, column, message = BAD_ROWS[kind]
    said = refusal(store, csv_of(HEADER, HUNG, row))
    assert len(said) == 1, said
    assert said[0].startswith(f"Line 3, {column}: {message}"), said
    assert store.resident("001045300011") is None  # the good line 2 was not stored either
    assert "1045300011" not in said[0] and "00104530001X" not in said[0]  # the ID's value is never shown


def test_every_problem_of_a_row_is_named(store):
    said = refusal(store, csv_of(HEADER, "12345,,1972-13-01,x,00013,mine,gone"))
    assert [line.split(":")[0] for line in said] == [
        "Line 2, personal_id", "Line 2, full_name", "Line 2, birth_date", "Line 2, sex", "Line 2, residence",
        "Line 2, status"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "Line 1: the first line must be exactly personal_id,full_name,birth_date,sex,commune_code,residence,status"),
    (csv_of("personal_id;full_name;birth_date;sex;commune_code;residence;status", HUNG.replace(",", ";")),
     "Line 1: the first line must be exactly"),
    (csv_of(HEADER.replace("sex", "gender"), HUNG), "Line 1: the first line must be exactly"),
    (csv_of(HEADER, HUNG, f"{KHAI},Tổ dân phố 1"), "Line 3: the row has 8 columns where the header has 7."),
    (csv_of(HEADER, HUNG, '001072300013,"Trần Văn "Khải",1972-12-01,male,00013,temporary,living'),
     "Line 3: this row cannot be read as CSV: check its quotation marks."),
    (csv_of(HEADER, HUNG) + b"001072300013,Tr\xe0n Van Khai,1972-12-01,male,00013,temporary,living\r\n",
     "Line 3: the file is not UTF-8 text"),
], ids=["empty", "semicolons", "wrong-header", "extra-column", "bad-quotes", "not-utf8"])
def test_a_file_that_is_not_a_register_is_refused(store, content, expected):
    said = refusal(store, content)
    assert said[0].startswith(expected), said


def test_blank_lines_are_skipped_and_still_counted(store):
    said = refusal(store, csv_of(HEADER, HUNG, "", ",,,,,,", KHAI.replace("male", "nam")))
    assert said == ["Line 5, sex: must be one of: male, female."]
    assert import_register(store, csv_of(HEADER, HUNG, "", ",,,,,,", KHAI), TODAY).added == 2


def test_a_missing_trailing_hamlet_cell_is_an_empty_hamlet(store):
    result = import_register(store, csv_of(f"{HEADER},hamlet", f"{HUNG},Tổ dân phố 2", HOA), TODAY)
    assert result.added == 2 and store.resident("001150300012").hamlet is None


def test_twenty_problems_are_listed_then_how_many_more():
    rows = [KHAI.replace("1972-12-01", "1972-12-32").replace("300013", f"{300100 + i}") for i in range(25)]
    with pytest.raises(RegisterRefused) as refused:
        read_register(csv_of(HEADER, *rows), communes={"00013"}, today=TODAY)
    lines = describe(refused.value.problems)
    assert len(lines) == 21
    assert lines[0].endswith("/ Line 2, birth_date: not a valid date (use YYYY-MM-DD).")
    assert lines[19].endswith("/ Line 21, birth_date: not a valid date (use YYYY-MM-DD).")
    assert lines[20].endswith("/ … and 5 more.")


def test_the_store_refuses_a_commune_not_in_the_list_and_stores_nothing(store):
    row = ResidentRow(personal_id="001045300011", full_name="Phạm Văn Lộc", birth_date=date(1945, 2, 17),
                      sex=Sex.MALE, commune_code="77777", residence=Residence.PERMANENT, status=ResidentStatus.LIVING)
    good = replace(row, personal_id="001072300013", commune_code="00013")
    with pytest.raises(UnknownArea):
        store.import_residents([good, row])
    assert store.count_residents() == 0
    assert store.import_residents([good]).added == 1  # and the staging table left nothing behind


# ------------------------------------------------------------------ the command


def run_cli(*args: str, database_url: str | None, flag: bool = False) -> subprocess.CompletedProcess:
    """The command as an operator runs it; PostgreSQL named by SSKDT_DATABASE_URL, or with `flag` by --database."""
    environment = {key: value for key, value in os.environ.items() if key != DATABASE_URL_VARIABLE}
    if database_url and flag:
        args = (*args, "--database", database_url)
    elif database_url:
        environment[DATABASE_URL_VARIABLE] = database_url
    return subprocess.run([sys.executable, "-m", "server.population", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_imports_a_file_into_an_empty_data_dir(tmp_path, empty_database_url):
    data_dir = tmp_path / "data"
    done = run_cli("import", str(FIXTURES / "register.csv"), "--data-dir", str(data_dir), database_url=empty_database_url)
    assert done.returncode == 0, done.stderr
    assert "Residents imported: 10 added, 0 updated, 0 unchanged." in done.stdout
    assert "001045300011" not in done.stdout and "Phạm" not in done.stdout  # no personal data printed
    again = run_cli("import", str(FIXTURES / "register.csv"), "--data-dir", str(data_dir), database_url=empty_database_url)
    assert again.returncode == 0 and "0 added, 0 updated, 10 unchanged." in again.stdout
    if empty_database_url is None:
        assert (data_dir / "book.db").exists()
        assert (data_dir.stat().st_mode & 0o777) == 0o700


def test_the_command_refuses_a_bad_file_and_stores_nothing(tmp_path, empty_database_url):
    data_dir = tmp_path / "data"
    done = run_cli("import", str(FIXTURES / "register_bad.csv"), "--data-dir", str(data_dir),
                   database_url=empty_database_url)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].endswith("/ The file was not imported and nothing was stored (problems: 5). Correct the file "
                             "and import it again.")
    assert [line.split(" / ")[1].split(":")[0] for line in lines[1:]] == [
        "Line 3, birth_date", "Line 4, personal_id", "Line 5, commune_code", "Line 6, sex", "Line 7, personal_id"]
    assert "1072300013" not in done.stderr and "001045300011" not in done.stderr
    database = open_database(data_dir / "book.db", empty_database_url)
    try:
        store = PopulationStore(database)
        assert store.count_residents() == 0
        assert store.area("00013") is not None  # the areas are saved first
    finally:
        database.close()


def test_the_command_speaks_vietnamese_first(tmp_path, empty_database_url):
    if translations("vi").gettext(ON_LINE) == ON_LINE:
        pytest.skip("the Vietnamese catalog does not hold the register's messages yet (make update-catalogs)")
    done = run_cli("import", str(FIXTURES / "register_bad.csv"), "--data-dir", str(tmp_path / "data"),
                   database_url=empty_database_url)
    assert done.returncode == 1
    assert ("Dòng 3, cột birth_date: ngày sinh không hợp lệ (cần dạng YYYY-MM-DD). / "
            "Line 3, birth_date: not a valid date (use YYYY-MM-DD).") in done.stderr.splitlines()


def test_the_command_seeds_the_areas_and_names_an_unreadable_file(tmp_path, empty_database_url):
    data_dir = tmp_path / "data"
    done = run_cli("areas", "--data-dir", str(data_dir), database_url=empty_database_url, flag=True)
    assert done.returncode == 0 and f"Administrative areas saved: {len(AREAS)}." in done.stdout
    missing = run_cli("import", str(tmp_path / "nothing.csv"), "--data-dir", str(data_dir),
                      database_url=empty_database_url, flag=True)
    assert missing.returncode == 1 and "The file" in missing.stderr and "cannot be read." in missing.stderr
    database = open_database(data_dir / "book.db", empty_database_url)
    try:
        assert len(PopulationStore(database).areas_under("01")) == len(AREAS) - len(PILOT_PROVINCES)
    finally:
        database.close()


# ------------------------------------------------------------------ the follow-up list


def resident(personal_id: str, name: str, *, hamlet: str | None = "Tổ dân phố 1", commune: str = "00013",
             status: ResidentStatus = ResidentStatus.LIVING, birth: date = date(1950, 1, 1)) -> ResidentRow:
    return ResidentRow(personal_id=personal_id, full_name=name, birth_date=birth, sex=Sex.MALE, commune_code=commune,
                       residence=Residence.PERMANENT, status=status, hamlet=hamlet)


def test_the_follow_up_lists_the_living_not_yet_activated_by_hamlet_then_name(store):
    store.import_residents([
        resident("001050000001", "Trần Văn Bảo", hamlet="Tổ dân phố 10"),
        resident("001050000002", "Lê Văn An", hamlet="Tổ dân phố 2"),
        resident("001050000003", "Bùi Văn Cường", hamlet="Tổ dân phố 2", birth=date(1948, 11, 2)),
        resident("001050000004", "Ngô Văn Dũng", hamlet=None),
        resident("001050000005", "Phan Văn Em", status=ResidentStatus.MOVED),
        resident("001050000006", "Đỗ Văn Giang", status=ResidentStatus.DECEASED),
        resident("001050000007", "Hồ Văn Hải", commune="00004"),
        resident("001050000008", "Vũ Văn Khoa", hamlet="Tổ dân phố 2"),  # activated below
        resident("001050000009", "Lý Văn Long", hamlet="Tổ dân phố 10"),  # halfway
    ])
    with store.transaction() as db:
        insert_all(db, "activation_steps", step_rows("001050000008", ACTIVATED_WITH)
                   + step_rows("001050000009", [ActivationStep.ACCOUNT]))
    page = store.follow_up("00013", limit=50)
    assert (page.commune_code, page.commune_name, page.total) == ("00013", "Phường Quán Thánh", 5)
    assert [(person.full_name, person.hamlet, person.next_step) for person in page.residents] == [
        ("Bùi Văn Cường", "Tổ dân phố 2", ActivationStep.ACCOUNT),
        ("Lê Văn An", "Tổ dân phố 2", ActivationStep.ACCOUNT),
        ("Lý Văn Long", "Tổ dân phố 10", ActivationStep.LEVEL2),
        ("Trần Văn Bảo", "Tổ dân phố 10", ActivationStep.ACCOUNT),
        ("Ngô Văn Dũng", None, ActivationStep.ACCOUNT),
    ]
    assert page.residents[0].birth_year == 1948
    answer = page.model_dump_json()
    assert "0010500000" not in answer and "1948-11-02" not in answer and "male" not in answer

    second = store.follow_up("00013", limit=2, offset=2)
    assert second.total == 5 and [person.full_name for person in second.residents] == ["Lý Văn Long", "Trần Văn Bảo"]
    assert store.follow_up("00013", limit=2, offset=10).residents == []
    assert store.follow_up("00013", limit=2, offset=10).total == 5

    with store.transaction() as db:  # Lý Văn Long finishes with the volunteer
        insert_all(db, "activation_steps", step_rows("001050000009", [ActivationStep.LEVEL2, ActivationStep.BOOK_OPENED]))
    after = store.follow_up("00013")
    assert after.total == 4 and "Lý Văn Long" not in [person.full_name for person in after.residents]
    assert store.follow_up("00004").total == 1
    with pytest.raises(UnknownArea):
        store.follow_up("001")


def test_the_next_step_follows_the_checklist_order(store):
    store.import_residents([resident("001050000001", "Trần Văn Bảo")])
    with store.transaction() as db:
        insert_all(db, "activation_steps", step_rows("001050000001", [ActivationStep.ACCOUNT, ActivationStep.LEVEL2,
                                                                      ActivationStep.OWN_PHONE]))
    assert store.follow_up("00013").residents[0].next_step == ActivationStep.BHYT_LINKED


# ------------------------------------------------------------------ the demo's register


def test_the_demo_register_is_the_same_every_time_and_holds_the_demo_accounts():
    today = date(2026, 12, 2)
    residents = demo_residents(today)
    assert residents == demo_residents(today)
    assert residents == demo_residents(date(2026, 3, 1))  # the same all year
    assert 2800 <= len(residents) <= 3300
    by_id = {person.personal_id: person for person in residents}
    assert len(by_id) == len(residents)
    for personal_id, name, birth, sex, _level, _card in DEMO_ACCOUNTS:
        person = by_id[personal_id]
        assert (person.full_name, person.birth_date.isoformat(), person.sex) == (name, birth, sex)
        assert person.status == ResidentStatus.LIVING
    child = le_minh_an(today).person
    assert (by_id[child.personal_id].full_name, by_id[child.personal_id].birth_date) == (child.full_name, child.birth_date)
    assert by_id["001048002345"].commune_code == by_id["001098003456"].commune_code == "00013"

    for person in residents:
        assert check_personal_id(person.personal_id) == person.personal_id
        assert personal_id_matches(person.personal_id, person.birth_date.year, person.sex)
        assert date(1900, 1, 1) <= person.birth_date <= today
    assert {person.commune_code for person in residents} == {"00013", "00004", "00008", "00049", "00064"}
    assert {person.hamlet for person in residents} == {f"Tổ dân phố {n}" for n in range(1, 13)}
    count = len(residents)
    states = [person.status for person in residents]
    assert states.count(ResidentStatus.LIVING) > 0.8 * count
    assert 0.03 * count < states.count(ResidentStatus.MOVED) < 0.15 * count
    assert 0 < states.count(ResidentStatus.DECEASED) < 0.06 * count
    temporary = sum(person.residence == Residence.TEMPORARY for person in residents)
    assert 0.05 * count < temporary < 0.3 * count
    ages = [today.year - person.birth_date.year for person in residents]
    assert min(ages) <= 1 and max(ages) >= 90 and sum(age >= 60 for age in ages) > 0.2 * count


def test_the_demo_register_passes_the_file_checks():
    today = date(2026, 12, 2)
    residents = demo_residents(today)
    register = read_register(register_csv(residents), communes={area.code for area in AREAS}, today=today)
    assert register.rows == residents


def test_seeding_the_demo_population_twice_changes_nothing(data_dir, database_url):
    store = PopulationStore(open_database(data_dir / "book.db", database_url))
    try:
        today = date.today()
        seed_demo_population(store, today)
        assert store.count_residents() == len(demo_residents(today))
        again = seed_demo_population(store, today)
        assert (again.added, again.updated) == (0, 0)
        for code in FACILITIES:
            assert store.facility_commune(code) == DEMO_FACILITY_COMMUNES[code]
        assert store.area(store.facility_commune("01902")).parent_code == "001"
        assert store.follow_up("00013").total > 500
    finally:
        store.database.close()


def test_demo_ids_never_take_a_demo_account_s():
    accounts = {personal_id for personal_id, *_ in DEMO_ACCOUNTS} | {"001222008901"}
    generated = [person for person in demo_residents(TODAY) if person.personal_id not in accounts]
    assert len(generated) == len(demo_residents(TODAY)) - len(accounts)
    assert all(person.personal_id[-6:] > "700000" for person in generated)
    assert all(birth >= TODAY - timedelta(days=97 * 366) for birth in (person.birth_date for person in generated))

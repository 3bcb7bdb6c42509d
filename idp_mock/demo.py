"""The mock's only mock part: who has a VNeID account. Password `demo` for every account."""

from __future__ import annotations

from .store import IdpStore

DEMO_PASSWORD = "demo"

# personal ID, name, birth date, gender, level, linked BHYT card
DEMO_ACCOUNTS = [
    ("001055001234", "Nguyễn Văn Hùng", "1955-03-12", "male", 2, "HT3010123456789"),
    ("001190004567", "Trần Thị Mai", "1990-07-21", "female", 2, "DN4010190004567"),
    ("001048002345", "Phạm Văn Tư", "1948-11-02", "male", 1, None),
    ("001192006789", "Hoàng Thị Lan", "1992-05-09", "female", 2, None),
    ("001098003456", "Đỗ Minh Quân", "1998-09-30", "male", 2, None),
    ("001180005678", "Vũ Thị Hạnh", "1980-12-03", "female", 2, None),
    ("001085007890", "Ngô Thanh Bình", "1985-06-18", "male", 2, None),
    ("001191006543", "Đặng Thu Hương", "1991-04-14", "female", 2, None),
    ("001075001111", "Lê Văn Đức", "1975-04-20", "male", 2, None),  # district health centre, Quận Ba Đình
    ("001183002222", "Nguyễn Thị Thu", "1983-08-15", "female", 2, None),  # health station head, Phường Quán Thánh
]


def seed_demo_accounts(store: IdpStore) -> None:
    for personal_id, name, birthdate, gender, level, card in DEMO_ACCOUNTS:
        if store.account_by_personal_id(personal_id) is None:
            store.add_account(
                personal_id=personal_id, full_name=name, birthdate=birthdate, gender=gender, level=level,
                bhyt_card=card, password=DEMO_PASSWORD,
            )

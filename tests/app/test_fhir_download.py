"""Settings, My data: the open book (one's own or a child's) saved as an HL7 FHIR file."""

from __future__ import annotations

import json

from server.fhir.ips import CCCD_SYSTEM


def saved_bundle(app) -> tuple[str, dict]:
    [args] = [args for name, args in app.connection.invoked if name == "save_file"]
    return args["file_name"], json.loads(args["src_bytes"])


def personal_id(bundle: dict) -> str:
    [patient] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    return next(i["value"] for i in patient["identifier"] if i["system"] == CCCD_SYSTEM)


async def test_the_citizen_saves_his_whole_book_as_a_fhir_file(open_app):
    app = await open_app("001055001234")
    await app.navigate("/settings")
    await app.settle(20)
    assert app.by_identifier("settings-my-data") is not None
    assert "Dữ liệu của tôi" in app.texts()
    assert "Tệp theo chuẩn quốc tế HL7 FHIR để mang sang cơ sở y tế khác." in app.texts()
    await app.click(app.button("Tải toàn bộ sổ (FHIR)"))
    await app.settle(30)
    file_name, bundle = saved_bundle(app)
    assert file_name.startswith("so-suc-khoe-") and file_name.endswith(".json")
    assert bundle["type"] == "document" and personal_id(bundle) == "001055001234"


async def test_a_mother_saves_the_book_she_has_open_her_childs(open_app):
    app = await open_app("001190004567")
    await app.navigate("/family")
    await app.click(app.by_identifier("person-1").content)
    await app.navigate("/settings")
    await app.settle(20)
    assert "Của Lê Minh An" in app.texts()
    await app.click(app.button("Tải toàn bộ sổ (FHIR)"))
    await app.settle(30)
    _, bundle = saved_bundle(app)
    assert personal_id(bundle) == "001222008901"


async def test_the_button_grows_with_large_text(open_app):
    app = await open_app("001055001234")
    await app.navigate("/settings")
    await app.settle(20)
    normal = app.button("Tải toàn bộ sổ (FHIR)").style.text_style.size
    await app.session_service.set_large_text(True)
    await app.settle(20)
    assert app.button("Tải toàn bộ sổ (FHIR)").style.text_style.size >= normal * 1.3

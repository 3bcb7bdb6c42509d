"""The administration console's storage: facilities as the health department registers them, their
gateway keys (hashes only) and signing certificates, staff assignments, and the audit of every change.

Each change and its audit row are written in one transaction: a change nobody can trace is never
stored. Times are ISO 8601 in UTC from the caller's clock, so rotation overlaps can be tested."""

from __future__ import annotations

import json
import secrets
from typing import Any

from api_client.models import AdminFacility, AuditEntry, GatewayKey, IssuedKey, StaffEntry

from .db import Connection, Store, insert
from .submissions import key_hash

FACILITY_FIELDS = ("code", "name", "kind", "public", "bhyt_contract", "commune_code", "address")
_FACILITY_COLUMNS = ", ".join(f"f.{name}" for name in FACILITY_FIELDS)
_KEY_PREFIX = "sskdt_"


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


class AdminStore(Store):
    # ------------------------------------------------------------ audit

    def record(self, db: Connection, *, at: str, actor: tuple[str, str | None], action: str, province_code: str,
               facility_code: str | None = None, personal_id: str | None = None,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        """One administrative change: who, when, what before and after (never a secret, never health data)."""
        insert(db, "admin_audit", {
            "at": at, "actor_personal_id": actor[0], "actor_name": actor[1], "action": action,
            "province_code": province_code, "facility_code": facility_code, "personal_id": personal_id,
            "before": json.dumps(before, ensure_ascii=False, sort_keys=True) if before is not None else None,
            "after": json.dumps(after, ensure_ascii=False, sort_keys=True) if after is not None else None,
        })

    def audit(self, *, provinces: list[str], facility_codes: list[str], facility_code: str | None = None,
              personal_id: str | None = None, limit: int | None = 1000) -> list[AuditEntry]:
        """Newest first: the changes in these provinces (administrators) or at these facilities (heads)."""
        scope, params = [], []
        if provinces:
            scope.append(f"province_code IN ({', '.join('?' * len(provinces))})")
            params.extend(provinces)
        if facility_codes:
            scope.append(f"facility_code IN ({', '.join('?' * len(facility_codes))})")
            params.extend(facility_codes)
        if not scope:
            return []
        where = [f"({' OR '.join(scope)})"]
        if facility_code:
            where.append("facility_code = ?")
            params.append(facility_code)
        if personal_id:
            where.append("personal_id = ?")
            params.append(personal_id)
        rows = self.all("SELECT id, at, actor_personal_id, actor_name, action, facility_code, personal_id, before, "
                        f"after FROM admin_audit WHERE {' AND '.join(where)} ORDER BY id DESC"
                        + (f" LIMIT {int(limit)}" if limit is not None else ""),
                        params)
        return [AuditEntry(id=r[0], at=r[1], actor_personal_id=r[2], actor_name=r[3], action=r[4], facility_code=r[5],
                           personal_id=r[6], before=json.loads(r[7]) if r[7] else None,
                           after=json.loads(r[8]) if r[8] else None) for r in rows]

    # ------------------------------------------------------------ facilities

    def facility(self, code: str) -> dict[str, Any] | None:
        row = self.one(f"SELECT {_FACILITY_COLUMNS}, f.active FROM facilities f WHERE f.code = ?", [code])
        if row is None:
            return None
        found = dict(zip((*FACILITY_FIELDS, "active"), row, strict=True))
        found["public"], found["bhyt_contract"] = _bool(found["public"]), _bool(found["bhyt_contract"])
        found["active"] = bool(found["active"])
        return found

    def save_facility(self, db: Connection, values: dict[str, Any]) -> None:
        row = {**values, "public": int(values["public"]), "bhyt_contract": int(values["bhyt_contract"]),
               "province_code": values["code"][:2]}  # MA_CSKCB begins with the province's code
        columns = ", ".join(row)
        updates = ", ".join(f"{name} = excluded.{name}" for name in row if name != "code")
        db.execute(f"INSERT INTO facilities ({columns}) VALUES ({', '.join('?' * len(row))}) "
                   f"ON CONFLICT (code) DO UPDATE SET {updates}", list(row.values()))

    def set_active(self, db: Connection, code: str, active: bool, at: str) -> None:
        db.execute("UPDATE facilities SET active = ?, deactivated_at = ? WHERE code = ?",
                   [int(active), None if active else at, code])

    def facilities(self, communes: list[str], now: str) -> list[AdminFacility]:
        """The facilities of these communes, with what the console shows beside each."""
        if not communes:
            return []
        marks = ", ".join("?" * len(communes))
        rows = self.all(
            f"SELECT {_FACILITY_COLUMNS}, f.active, f.deactivated_at, c.name, d.code, d.name, "
            "(SELECT max(s.received_at) FROM submissions s WHERE s.facility_code = f.code), "
            "(SELECT count(*) FROM gateway_keys k WHERE k.facility_code = f.code AND k.revoked_at IS NULL "
            " AND (k.expires_at IS NULL OR k.expires_at > ?)), "
            "(SELECT count(*) FROM facility_certificates fc WHERE fc.facility_code = f.code AND fc.revoked_at IS NULL) "
            "FROM facilities f LEFT JOIN areas c ON c.code = f.commune_code LEFT JOIN areas d ON d.code = c.parent_code "
            f"WHERE f.commune_code IN ({marks}) ORDER BY d.code, f.commune_code, f.code",
            [now, *communes])
        return [AdminFacility(
            code=r[0], name=r[1], kind=r[2], public=_bool(r[3]), bhyt_contract=_bool(r[4]), commune_code=r[5],
            address=r[6], active=bool(r[7]), deactivated_at=r[8], commune_name=r[9], district_code=r[10],
            district_name=r[11], last_submission_at=r[12], active_keys=r[13], active_certificates=r[14],
        ) for r in rows]

    # ------------------------------------------------------------ gateway keys

    def keys(self, facility_code: str, now: str) -> list[GatewayKey]:
        rows = self.all("SELECT key_hash, issued_at, issued_by, expires_at, revoked_at FROM gateway_keys "
                        "WHERE facility_code = ? ORDER BY issued_at DESC", [facility_code])
        return [GatewayKey(key_id=r[0][:12], issued_at=r[1], issued_by=r[2], expires_at=r[3], revoked_at=r[4],
                           active=r[4] is None and (r[3] is None or r[3] > now)) for r in rows]

    def issue_key(self, db: Connection, facility_code: str, *, at: str, by: str, old_keys_until: str,
                  api_key: str | None = None) -> IssuedKey:
        """A new key; the facility's working keys keep working until `old_keys_until` (now: at once)."""
        api_key = api_key or _KEY_PREFIX + secrets.token_urlsafe(32)
        db.execute("UPDATE gateway_keys SET expires_at = ? WHERE facility_code = ? AND revoked_at IS NULL "
                   "AND (expires_at IS NULL OR expires_at > ?)", [old_keys_until, facility_code, old_keys_until])
        digest = key_hash(api_key)
        insert(db, "gateway_keys", {"key_hash": digest, "facility_code": facility_code, "issued_at": at,
                                    "issued_by": by})
        return IssuedKey(key_id=digest[:12], api_key=api_key, issued_at=at)

    def revoke_key(self, db: Connection, facility_code: str, key_id: str, at: str) -> bool:
        cursor = db.execute("UPDATE gateway_keys SET revoked_at = ? WHERE facility_code = ? AND key_hash LIKE ? "
                            "AND revoked_at IS NULL", [at, facility_code, key_id + "%"])
        return cursor.rowcount > 0

    # ------------------------------------------------------------ signing certificates

    def certificates(self, facility_code: str) -> list[tuple[str, str, str, str | None, str | None]]:
        """(id, pem, registered_at, registered_by, revoked_at), newest first."""
        return [tuple(row) for row in self.all(
            "SELECT id, pem, registered_at, registered_by, revoked_at FROM facility_certificates "
            "WHERE facility_code = ? ORDER BY registered_at DESC", [facility_code])]

    def add_certificate(self, db: Connection, facility_code: str, certificate_id: str, pem: str, *, at: str,
                        by: str) -> None:
        db.execute("INSERT INTO facility_certificates (facility_code, id, pem, registered_at, registered_by) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (facility_code, id) DO UPDATE SET revoked_at = NULL, "
                   "registered_at = excluded.registered_at, registered_by = excluded.registered_by",
                   [facility_code, certificate_id, pem, at, by])

    def revoke_certificate(self, db: Connection, facility_code: str, certificate_id: str, at: str) -> bool:
        cursor = db.execute("UPDATE facility_certificates SET revoked_at = ? WHERE facility_code = ? AND id = ? "
                            "AND revoked_at IS NULL", [at, facility_code, certificate_id])
        return cursor.rowcount > 0

    # ------------------------------------------------------------ staff

    def staff(self, *, facility_codes: list[str] | None = None, areas: list[str] | None = None) -> list[StaffEntry]:
        """Current assignments at these facilities or for these areas."""
        where, params = [], []
        if facility_codes:
            where.append(f"s.facility_code IN ({', '.join('?' * len(facility_codes))})")
            params.extend(facility_codes)
        if areas:
            where.append(f"s.area IN ({', '.join('?' * len(areas))})")
            params.extend(areas)
        if not where:
            return []
        rows = self.all(
            "SELECT s.id, s.personal_id, s.full_name, s.role, s.facility_code, f.name, s.area, a.name, s.started_at, "
            "s.assigned_by FROM staff s LEFT JOIN facilities f ON f.code = s.facility_code "
            f"LEFT JOIN areas a ON a.code = s.area WHERE s.ended_at IS NULL AND ({' OR '.join(where)}) "
            "ORDER BY s.facility_code, s.area, s.role, s.full_name, s.id", params)
        return [StaffEntry(id=r[0], personal_id=r[1], full_name=r[2], role=r[3], facility_code=r[4],
                           facility_name=r[5], area=r[6], area_name=r[7], started_at=r[8], assigned_by=r[9])
                for r in rows]

    def assignment(self, assignment_id: int) -> StaffEntry | None:
        row = self.one("SELECT s.id, s.personal_id, s.full_name, s.role, s.facility_code, s.area, s.started_at, "
                       "s.assigned_by, f.name, a.name FROM staff s LEFT JOIN facilities f ON f.code = s.facility_code "
                       "LEFT JOIN areas a ON a.code = s.area WHERE s.id = ? AND s.ended_at IS NULL", [assignment_id])
        return StaffEntry(id=row[0], personal_id=row[1], full_name=row[2], role=row[3], facility_code=row[4],
                          area=row[5], started_at=row[6], assigned_by=row[7], facility_name=row[8],
                          area_name=row[9]) if row else None

    def current_assignment(self, personal_id: str, role: str, facility_code: str | None,
                           area: str | None) -> int | None:
        return self.value("SELECT id FROM staff WHERE personal_id = ? AND role = ? AND ended_at IS NULL AND "
                          "facility_code IS NOT DISTINCT FROM ? AND area IS NOT DISTINCT FROM ?",
                          [personal_id, role, facility_code, area])

    def assign(self, db: Connection, entry: dict[str, Any]) -> int:
        insert(db, "staff", entry)
        return int(db.execute("SELECT max(id) FROM staff WHERE personal_id = ?", [entry["personal_id"]]).fetchone()[0])

    def end_assignment(self, db: Connection, assignment_id: int, at: str) -> bool:
        """False when it had ended already (two ends at once: the second finds nothing to end)."""
        cursor = db.execute("UPDATE staff SET ended_at = ? WHERE id = ? AND ended_at IS NULL", [at, assignment_id])
        return cursor.rowcount > 0

    def ever_assigned(self, personal_id: str, role: str, facility_code: str | None, area: str | None) -> bool:
        """Whether this role was ever given, ended or not."""
        return self.value("SELECT 1 FROM staff WHERE personal_id = ? AND role = ? AND facility_code IS NOT DISTINCT "
                          "FROM ? AND area IS NOT DISTINCT FROM ?", [personal_id, role, facility_code, area]) is not None

    def key_known(self, api_key: str) -> bool:
        """Whether this key was ever issued, working or not."""
        return self.value("SELECT 1 FROM gateway_keys WHERE key_hash = ?", [key_hash(api_key)]) is not None

    def known_name(self, personal_id: str) -> str | None:
        """The name the register or the book holds for this personal ID, if any."""
        return (self.value("SELECT full_name FROM people WHERE personal_id = ?", [personal_id])
                or self.value("SELECT full_name FROM residents WHERE personal_id = ?", [personal_id]))

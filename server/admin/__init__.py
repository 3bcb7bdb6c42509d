"""Administration (Quản trị): facilities, their gateway keys and certificates, staff and their roles,
managed by the provincial health department and audited change by change."""

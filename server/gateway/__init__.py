"""The gateway facilities submit signed QĐ 130/4750 XML envelopes to: parse, verify, store."""

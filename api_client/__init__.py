"""The only code that speaks HTTP to the health book API and the identity provider.

Import from the modules: `models` (the wire contract, pydantic only, shared with the server),
`client` (HealthBookClient), `errors` (the ApiError tree), `oidc` (sign-in).
"""

"""A VNeID-style OpenID Connect provider: real protocol, demo accounts."""

from .app import IdpSettings, create_idp_app
from .oauth import Client

__all__ = ["Client", "IdpSettings", "create_idp_app"]

"""gridpolicing as an HTTP service (the service extra): ``create_app(settings)`` and ``serve``.

::

    from gridpolicing.service import Settings, create_app

    app = create_app(Settings(allow_paths=(Path("/srv/data"),), timeout_s=30))
    # run it with any ASGI server, or: gridpolicing serve --allow-path /srv/data

The endpoints, limits and logs are described in docs/service.md.
"""

from __future__ import annotations

from gridpolicing.service.app import create_app
from gridpolicing.service.openapi import openapi_document
from gridpolicing.service.settings import Settings

__all__ = ["Settings", "create_app", "openapi_document", "openapi_text"]


def openapi_text() -> str:
    """The OpenAPI document of an app with the default settings (schemas/openapi.json)."""
    from gridpolicing.policy.schema import schema_text

    return schema_text(openapi_document(create_app()))

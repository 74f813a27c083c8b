"""The web dashboard and its JSON API: FastAPI over the ledger (only this package imports FastAPI).

    taizhang serve --db taizhang.db          # http://127.0.0.1:8000

``create_app(db)`` returns the ASGI application; every page has a JSON twin (the same URL with
``.json``) and the OpenAPI schema is at ``/docs``.
"""

from taizhang.web.app import create_app

__all__ = ["create_app"]

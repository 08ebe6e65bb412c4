"""The web console (网页控制台): server-rendered pages for filers, liaison staff,
auditors and admins.

Served by the API's FastAPI app; every page acts through the same services and scopes
as the API.
"""

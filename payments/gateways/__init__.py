"""Small SDKs for the gateways, on `requests`: no Django models, no database.

Each client signs requests and checks answers exactly as `docs/payments.md` and the project's
payments spec describe, raises the exceptions of `payments.exceptions`, and returns dataclasses.
"""

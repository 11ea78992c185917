"""The offline gateway sandbox: VNPay, MoMo and ZaloPay speaking their real protocols locally.

Each gateway gets a pay page (pay, cancel, fail, pay a different amount) that verifies our signed
request with the sandbox's credentials (payments.conf), calls our notification endpoint server to
server through `requests`, and sends the browser back to our return URL with signed parameters;
plus the gateway's query and refund APIs. Every view answers 404 unless PAYMENTS_SANDBOX is on.
"""

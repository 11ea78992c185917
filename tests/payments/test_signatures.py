"""The SDKs against the spec's published vectors and an independent reimplementation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
import requests

from payments.exceptions import GatewayError, GatewayTimeout, SignatureMismatch
from payments.gateways import momo, vnpay, zalopay

SPEC_VNPAY_STRING = (
    "vnp_Amount=1000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14422574&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+don+hang+2024-05-21T02%3A17%3A31.249Z&vnp_PayDate=20240521091806"
    "&vnp_ResponseCode=00&vnp_TmnCode=TEST_TMN_CODE&vnp_TransactionNo=14422574"
    "&vnp_TransactionStatus=00&vnp_TxnRef=1716257871703"
)
SPEC_VNPAY_HASH = (
    "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361d"
    "bf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895"
)


def _client(session=None, key="test_secret"):
    return vnpay.VNPayClient(
        tmn_code="TEST_TMN_CODE",
        hash_secret=key,
        payment_url="https://pay.example/vpcpay.html",
        api_url="https://api.example/merchant_webapi/api/transaction",
        session=session,
    )


def test_vnpay_verifies_the_spec_vector_from_decoded_parameters():
    # given: the parameters as Django decodes them, plus tracking noise and the unsigned type
    params = dict(parse_qsl(SPEC_VNPAY_STRING))
    params |= {"utm_source": "x", "vnp_SecureHashType": "HMACSHA512"}
    params["vnp_SecureHash"] = SPEC_VNPAY_HASH.upper()  # either letter case is accepted
    # when
    result = _client().verify(params)
    # then
    assert vnpay.canonical_query(vnpay.signed_fields(params)) == SPEC_VNPAY_STRING
    assert result.is_success
    assert result.amount_vnd == 10_000
    assert result.transaction_no == "14422574"


def test_vnpay_refuses_a_changed_parameter():
    params = dict(parse_qsl(SPEC_VNPAY_STRING))
    params["vnp_SecureHash"] = SPEC_VNPAY_HASH
    params["vnp_Amount"] = "100"
    with pytest.raises(SignatureMismatch):
        _client().verify(params)


def test_vnpay_payment_url_matches_an_independent_computation():
    # given
    created = dt.datetime(2024, 3, 15, 3, 30, tzinfo=dt.UTC)
    # when
    built = _client(key="S3CR3T").build_payment_url(
        txn_ref="DH-0001/1",
        amount_vnd=10_000,
        order_info="Đặt cọc: Áo dài size M, màu đỏ – 2 cái",
        return_url="https://shop.example/payments/vnpay/return/",
        ip_address="2001:db8::1",
        created_at=created,
    )
    # then: rebuilt by hand from the spec (sorted, quote_plus, HMAC-SHA512 of that string)
    expected = {
        "vnp_Amount": "1000000",
        "vnp_Command": "pay",
        "vnp_CreateDate": "20240315103000",
        "vnp_CurrCode": "VND",
        "vnp_ExpireDate": "20240315104500",
        "vnp_IpAddr": "2001:db8::1",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": "Dat coc: Ao dai size M, mau do 2 cai",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": "https://shop.example/payments/vnpay/return/",
        "vnp_TmnCode": "TEST_TMN_CODE",
        "vnp_TxnRef": "DH-00011",
        "vnp_Version": "2.1.0",
    }
    data = "&".join(f"{k}={quote_plus(v)}" for k, v in sorted(expected.items()))
    digest = hmac.new(b"S3CR3T", data.encode(), hashlib.sha512).hexdigest()
    assert built.url == f"https://pay.example/vpcpay.html?{data}&vnp_SecureHash={digest}"
    assert "vnp_BankCode" not in built.url
    assert "vnp_SecureHashType" not in built.url


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Đặt cọc: Áo dài size M, màu đỏ – 2 cái", "Dat coc: Ao dai size M, mau do 2 cai"),
        ("Mật ong  Võ Nhai (500ml) *hữu cơ*!", "Mat ong Vo Nhai 500ml huu co"),
        ("a" * 300, "a" * 255),
    ],
)
def test_vnpay_order_info_sanitizer(text, clean):
    assert vnpay.sanitize_order_info(text) == clean


def test_vnpay_dates_are_vietnam_time():
    assert vnpay.format_date(dt.datetime(2024, 3, 15, 3, 30, tzinfo=dt.UTC)) == "20240315103000"
    assert vnpay.parse_date("20240315103000") == dt.datetime(2024, 3, 15, 3, 30, tzinfo=dt.UTC)


class Recorder(requests.adapters.BaseAdapter):
    def __init__(self, answer):
        super().__init__()
        self.answer = answer
        self.bodies = []

    def send(self, request, **kwargs):
        self.bodies.append(json.loads(request.body))
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(self.answer(self.bodies[-1])).encode()
        response.request = request
        return response

    def close(self):
        pass


def _session(adapter):
    session = requests.Session()
    session.mount("https://", adapter)
    return session


def _signed_answer(answer, fields, key="test_secret"):
    answer["vnp_SecureHash"] = vnpay.response_checksum(answer, fields, key)
    return answer


def test_vnpay_querydr_checksum_order_and_answer_check():
    # given
    recorder = Recorder(
        lambda body: _signed_answer(
            {
                "vnp_ResponseId": "r1",
                "vnp_Command": "querydr",
                "vnp_ResponseCode": "00",
                "vnp_Message": "ok",
                "vnp_TmnCode": "TEST_TMN_CODE",
                "vnp_TxnRef": body["vnp_TxnRef"],
                "vnp_Amount": "18000000",
                "vnp_TransactionNo": "555",
                "vnp_TransactionStatus": "00",
            },
            vnpay.QUERY_RESPONSE_FIELDS,
        )
    )
    client = _client(_session(recorder))
    # when
    result = client.query(
        txn_ref="DH1-1",
        transaction_date="20240315103000",
        now=dt.datetime(2024, 3, 15, 4, 0, tzinfo=dt.UTC),
        ip_address="10.0.0.1",
        order_info="Truy van",
        transaction_no="555",
        request_id_value="req1",
    )
    # then
    body = recorder.bodies[0]
    data = "req1|2.1.0|querydr|TEST_TMN_CODE|DH1-1|20240315103000|20240315110000|10.0.0.1|Truy van"
    assert (
        body["vnp_SecureHash"]
        == hmac.new(b"test_secret", data.encode(), hashlib.sha512).hexdigest()
    )
    assert body["vnp_TransactionNo"] == "555"
    assert result.is_paid
    assert result.amount_vnd == 180_000


def test_vnpay_refund_checksum_order():
    recorder = Recorder(
        lambda body: _signed_answer(
            {"vnp_ResponseId": "r", "vnp_Command": "refund", "vnp_ResponseCode": "00"},
            vnpay.REFUND_RESPONSE_FIELDS,
        )
    )
    _client(_session(recorder)).refund(
        txn_ref="DH1-1",
        amount_vnd=50_000,
        is_full=False,
        transaction_no="555",
        transaction_date="20240315103000",
        created_by="canbo",
        now=dt.datetime(2024, 3, 15, 4, 0, tzinfo=dt.UTC),
        ip_address="10.0.0.1",
        order_info="Hoan tien",
        request_id_value="req2",
    )
    body = recorder.bodies[0]
    data = (
        "req2|2.1.0|refund|TEST_TMN_CODE|03|DH1-1|5000000|555|20240315103000|canbo"
        "|20240315110000|10.0.0.1|Hoan tien"
    )
    assert (
        body["vnp_SecureHash"]
        == hmac.new(b"test_secret", data.encode(), hashlib.sha512).hexdigest()
    )


def test_vnpay_answer_with_a_bad_checksum_is_refused():
    recorder = Recorder(lambda body: {"vnp_ResponseCode": "00", "vnp_SecureHash": "00"})
    with pytest.raises(SignatureMismatch):
        _client(_session(recorder)).query(
            txn_ref="x",
            transaction_date="20240315103000",
            now=dt.datetime.now(dt.UTC),
            ip_address="1.1.1.1",
        )


@pytest.mark.parametrize(
    ("failure", "error"),
    [(requests.ReadTimeout, GatewayTimeout), (requests.ConnectionError, GatewayError)],
)
def test_vnpay_network_failures_are_retryable_gateway_errors(failure, error):
    class Failing(requests.adapters.BaseAdapter):
        def send(self, request, **kwargs):
            assert kwargs["timeout"] == (5.0, 30.0)
            raise failure("down")

        def close(self):
            pass

    with pytest.raises(error) as raised:
        _client(_session(Failing())).query(
            txn_ref="x",
            transaction_date="20240315103000",
            now=dt.datetime.now(dt.UTC),
            ip_address="1.1.1.1",
        )
    assert raised.value.retryable


def test_zalopay_callback_spec_vector():
    data = (
        '{"app_id":2553,"app_trans_id":"200904_2553_1598435687208","app_time":1599189392817,'
        '"app_user":"demo","amount":10000,"embed_data":"{\\"merchantinfo\\":\\"embeddata123\\",'
        '\\"promotioninfo\\":\\"\\"}","item":"[{\\"itemid\\":\\"knb\\",'
        '\\"itemname\\":\\"kim nguyen bao\\",\\"itemprice\\":198400,\\"itemquantity\\":1}]",'
        '"zp_trans_id":200904000000389,'
        '"server_time":1599189413498,"channel":38,"merchant_user_id":'
        '"7ZMSl3nEg5sOUJzOLSoUFT8xKNQVaLOLXHB--8Eytqc","user_fee_amount":0,"discount_amount":0}'
    )
    mac = "d8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67"
    client = zalopay.ZaloPayClient(
        app_id="2553", key1="k1", key2="kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz", endpoint="https://z"
    )
    body = json.dumps({"data": data, "mac": mac, "type": 1}).encode()
    callback = client.verify_callback(body)
    assert callback.amount_vnd == 10_000
    assert callback.zp_trans_id == "200904000000389"
    # re-serialising the data would change the mac: it is checked on the string as received
    with pytest.raises(SignatureMismatch):
        client.verify_callback(json.dumps({"data": data.replace(",", ", "), "mac": mac}).encode())


def test_zalopay_order_mac_spec_vector():
    assert (
        zalopay.mac(
            "9phuAOYhan4urywHTh0ndEXiV3pKHr5Q",
            "553",
            "200904_000234",
            "user123",
            10000,
            1599202366026,
            "{}",
            "[]",
        )
        == "7e95836a9feace32458f23416feea423172ef0a098f27a668a1e10788b5a6838"
    )


def test_zalopay_date_prefix_uses_the_vietnam_date():
    # 01:30 in Vietnam is still the previous day in UTC
    assert zalopay.date_prefix(dt.datetime(2024, 3, 14, 18, 30, tzinfo=dt.UTC)) == "240315"


def test_momo_create_signature_string_order_with_empty_extra_data():
    recorder = Recorder(
        lambda body: {"resultCode": 0, "payUrl": "https://momo/pay", "message": "ok"}
    )
    session = requests.Session()
    session.mount("https://", recorder)
    client = momo.MoMoClient(
        partner_code="P", access_key="A", secret_key="K", endpoint="https://m", session=session
    )
    client.create(
        order_id="DH1-1",
        amount_vnd=50_000,
        order_info="Chè Tân Cương",
        redirect_url="https://s/r",
        ipn_url="https://s/i",
        request_id="R1",
    )
    body = recorder.bodies[0]
    data = (
        "accessKey=A&amount=50000&extraData=&ipnUrl=https://s/i&orderId=DH1-1"
        "&orderInfo=Chè Tân Cương&partnerCode=P&redirectUrl=https://s/r&requestId=R1&requestType=captureWallet"
    )
    assert body["signature"] == hmac.new(b"K", data.encode("utf-8"), hashlib.sha256).hexdigest()
    assert "accessKey" not in body
    assert urlsplit("https://m").netloc == "m"

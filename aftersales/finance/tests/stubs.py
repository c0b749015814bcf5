"""Local stubs of the WeChat Pay APIv3 and Alipay open-API refund endpoints (no internet): a small
HTTP server in a thread that checks the merchant's signature, refunds once per out_refund_no /
out_request_no, and signs its answers with a test platform key — plus builders of the signed
notifications each provider posts back. Keys are generated here with ``cryptography``."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def rsa_pair() -> tuple[rsa.RSAPrivateKey, str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, private_pem, public_pem


def sign(key: rsa.RSAPrivateKey, text: str) -> str:
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(),
                                     hashes.SHA256())).decode()


def verify(public_pem: str, text: str, signature: str) -> bool:
    public = serialization.load_pem_public_key(public_pem.encode())
    try:
        public.verify(base64.b64decode(signature), text.encode(), padding.PKCS1v15(),
                      hashes.SHA256())
    except Exception:
        return False
    return True


@dataclass
class Provider:
    """What the stub saw and refunded."""

    requests: list[dict] = field(default_factory=list)
    refunds: dict[str, dict] = field(default_factory=dict)  # our number → the provider's refund
    status: str = "SUCCESS"  # WeChat: SUCCESS or PROCESSING; Alipay: "10000" or an error code
    fail_next: int = 0  # answer 500 this many times (an outage)
    bad_signature: bool = False  # sign answers with the wrong key


# ------------------------------------------------------------------------------ WeChat Pay
@dataclass
class WeChatKeys:
    merchant: rsa.RSAPrivateKey
    merchant_private: str
    merchant_public: str
    platform: rsa.RSAPrivateKey
    platform_private: str
    platform_public: str
    platform_serial: str = "PUB_KEY_ID_0114232134912410000000000000"
    apiv3_key: str = "0123456789abcdef0123456789abcdef"
    mchid: str = "1900000109"
    serial: str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"


def wechat_keys() -> WeChatKeys:
    m, mpriv, mpub = rsa_pair()
    p, ppriv, ppub = rsa_pair()
    return WeChatKeys(m, mpriv, mpub, p, ppriv, ppub)


def wechat_headers(keys: WeChatKeys, body: str, *, key=None) -> dict[str, str]:
    ts, nonce = str(int(time.time())), uuid.uuid4().hex
    return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": keys.platform_serial,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Signature": sign(key or keys.platform, f"{ts}\n{nonce}\n{body}\n")}


def wechat_notification(keys: WeChatKeys, *, out_refund_no: str, status: str = "SUCCESS",
                        refund_id: str = "50000000382019052709732678859",
                        apiv3_key: str | None = None) -> tuple[dict[str, str], bytes]:
    """A REFUND.SUCCESS notification as WeChat Pay posts it: AES-256-GCM resource, signed."""
    resource = json.dumps({"mchid": keys.mchid, "out_refund_no": out_refund_no,
                           "refund_id": refund_id, "refund_status": status,
                           "success_time": "2026-11-23T10:00:00+08:00"})
    nonce = uuid.uuid4().hex[:12]
    ad = "refund"
    cipher = AESGCM((apiv3_key or keys.apiv3_key).encode()).encrypt(
        nonce.encode(), resource.encode(), ad.encode())
    body = json.dumps({"id": str(uuid.uuid4()), "create_time": "2026-11-23T10:00:00+08:00",
                       "resource_type": "encrypt-resource", "event_type": f"REFUND.{status}",
                       "summary": "退款成功",
                       "resource": {"original_type": "refund", "algorithm": "AEAD_AES_256_GCM",
                                    "ciphertext": base64.b64encode(cipher).decode(),
                                    "associated_data": ad, "nonce": nonce}})
    return wechat_headers(keys, body), body.encode()


def _wechat_handler(keys: WeChatKeys, state: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            auth = self.headers.get("Authorization", "")
            parts = dict(p.split("=", 1) for p in auth.split(" ", 1)[1].split(","))
            parts = {k: v.strip('"') for k, v in parts.items()}
            signed = f"POST\n{self.path}\n{parts['timestamp']}\n{parts['nonce_str']}\n{body}\n"
            data = json.loads(body)
            state.requests.append({"path": self.path, "body": data,
                                   "merchant_signature_ok": verify(
                                       keys.merchant_public, signed, parts["signature"])})
            if state.fail_next:
                state.fail_next -= 1
                return self._answer(500, {"code": "SYSTEM_ERROR", "message": "系统繁忙"})
            if not state.requests[-1]["merchant_signature_ok"]:
                return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
            number = data["out_refund_no"]
            refund = state.refunds.setdefault(number, {
                "refund_id": f"5030{len(state.refunds) + 1:010d}", "out_refund_no": number,
                "transaction_id": data.get("transaction_id", ""), "status": state.status,
                "amount": {"refund": data["amount"]["refund"], "total": data["amount"]["total"],
                           "currency": "CNY"}})
            return self._answer(200, refund)

        def _answer(self, code: int, payload: dict):
            text = json.dumps(payload)
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            if code == 200:
                wrong = rsa_pair()[0] if state.bad_signature else None
                for k, v in wechat_headers(keys, text, key=wrong).items():
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(text.encode())))
            self.end_headers()
            self.wfile.write(text.encode())

    return Handler


# ------------------------------------------------------------------------------ Alipay
@dataclass
class AlipayKeys:
    app: rsa.RSAPrivateKey
    app_private: str
    app_public: str
    alipay: rsa.RSAPrivateKey
    alipay_private: str
    alipay_public: str
    appid: str = "2021000000000001"


def alipay_keys() -> AlipayKeys:
    a, apriv, apub = rsa_pair()
    b, bpriv, bpub = rsa_pair()
    return AlipayKeys(a, apriv, apub, b, bpriv, bpub)


def alipay_signed_string(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items())
                    if k not in ("sign", "sign_type"))


def alipay_notification(keys: AlipayKeys, *, out_biz_no: str, refund_fee: str = "10.00",
                        key=None) -> dict[str, str]:
    """The form Alipay posts after a refund (trade status notification with refund_fee)."""
    params = {"notify_time": "2026-11-23 10:00:00", "notify_type": "trade_status_sync",
              "notify_id": uuid.uuid4().hex, "app_id": keys.appid, "charset": "utf-8",
              "version": "1.0", "trade_no": "2026112322001400000000000001",
              "out_trade_no": "SO-1", "out_biz_no": out_biz_no, "refund_fee": refund_fee,
              "gmt_refund": "2026-11-23 10:00:00.000", "trade_status": "TRADE_SUCCESS"}
    params["sign"] = sign(key or keys.alipay, alipay_signed_string(params))
    params["sign_type"] = "RSA2"
    return params


def _alipay_handler(keys: AlipayKeys, state: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
            signature = params.get("sign", "")
            # Requests sign every parameter but ``sign`` (sign_type included).
            unsigned = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign")
            ok = verify(keys.app_public, unsigned, signature)
            biz = json.loads(params.get("biz_content") or "{}")
            state.requests.append({"method": params.get("method"), "biz": biz,
                                   "merchant_signature_ok": ok})
            if state.fail_next:
                state.fail_next -= 1
                self.send_response(502)
                self.end_headers()
                return
            number = biz.get("out_request_no", "")
            if not ok:
                inner = {"code": "40002", "msg": "Invalid Arguments",
                         "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"}
            elif state.status != "10000":
                inner = {"code": state.status, "msg": "Business Failed",
                         "sub_code": "ACQ.TRADE_HAS_FINISHED", "sub_msg": "交易已完结"}
            else:
                first = number not in state.refunds
                state.refunds.setdefault(number, {"refund_fee": biz.get("refund_amount")})
                inner = {"code": "10000", "msg": "Success",
                         "trade_no": "2026112322001400000000000001",
                         "out_trade_no": biz.get("out_trade_no", ""),
                         "buyer_logon_id": "159****5620",
                         "fund_change": "Y" if first else "N",
                         "refund_fee": biz.get("refund_amount")}
            inner_text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
            key = rsa_pair()[0] if state.bad_signature else keys.alipay
            text = ('{"alipay_trade_refund_response":' + inner_text + ',"sign":"'
                    + sign(key, inner_text) + '"}')
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


# ------------------------------------------------------------------------------ server
class StubServer:
    def __init__(self, handler) -> None:
        os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # A short poll: shutdown() waits for the loop to look up (the default half second,
        # paid by every test that uses a stub).
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def wechat_server(keys: WeChatKeys, state: Provider) -> StubServer:
    return StubServer(_wechat_handler(keys, state))


def alipay_server(keys: AlipayKeys, state: Provider) -> StubServer:
    return StubServer(_alipay_handler(keys, state))


def wechat_settings(keys: WeChatKeys, url: str) -> dict[str, str]:
    return {"mchid": keys.mchid, "appid": "wxd678efh567hg6787",
            "private_key": keys.merchant_private, "cert_serial_no": keys.serial,
            "apiv3_key": keys.apiv3_key, "public_key": keys.platform_public,
            "public_key_id": keys.platform_serial,
            "notify_url": "https://aftersales.example.com/finance/callbacks/wechat_pay/",
            "base_url": url}


def alipay_settings(keys: AlipayKeys, url: str) -> dict[str, str]:
    return {"appid": keys.appid, "app_private_key": keys.app_private,
            "alipay_public_key": keys.alipay_public,
            "notify_url": "https://aftersales.example.com/finance/callbacks/alipay/",
            "base_url": f"{url}/gateway.do"}

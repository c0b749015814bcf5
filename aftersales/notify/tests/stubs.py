"""Local stubs of the providers' HTTP APIs, each an `http.server` in a thread on the loopback
answering as the provider does: Alibaba Cloud SMS (RPC style: the call in the query string, a
JSON answer whose Code is "OK" or an error code), Tencent Cloud SMS (API 3.0: JSON body, the
action in X-TC-Action, {"Response": {...}}) and the WeCom group robot ({"errcode": 0}).

``stub.answer`` chooses the next answers: "ok", "error" (the provider's refusal in a 200
answer), "http_error" (an error status with the provider's error body)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"{}")


@dataclass
class Stub:
    url: str = ""
    answer: str = "ok"
    seen: list[Seen] = field(default_factory=list)


def aliyun_answer(stub: Stub, seen: Seen) -> tuple[int, dict]:
    if stub.answer == "ok":
        return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                     "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
    if stub.answer == "error":
        return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发号码天级流控Permits:10",
                     "RequestId": "B8A2AB1E-2C1E-4E1A-A5E3-5A4F3C4E1A2B"}
    return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched",
                 "RequestId": "0C1CB646-1DE4-4AD0-B4A4-7D47DD52E931", "HostId": "dysmsapi"}


def tencent_answer(stub: Stub, seen: Seen) -> tuple[int, dict]:
    if stub.answer == "ok":
        numbers = seen.json().get("PhoneNumberSet", [])
        return 200, {"Response": {"SendStatusSet": [
            {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": n, "Fee": 1,
             "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
            for n in numbers], "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}
    if stub.answer == "error":
        numbers = seen.json().get("PhoneNumberSet", [])
        return 200, {"Response": {"SendStatusSet": [
            {"SerialNo": "", "PhoneNumber": n, "Fee": 0, "SessionContext": "",
             "Code": "LimitExceeded.PhoneNumberDailyLimit",
             "Message": "the number of sms messages sent from a single mobile number every day "
                        "exceeds the upper limit", "IsoCode": "CN"} for n in numbers],
            "RequestId": "b0aabda6-cf91-4f3e-a81f-9198114a2279"}}
    return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                        "Message": "The provided credentials could not be "
                                                   "validated."},
                              "RequestId": "c0aabda6-cf91-4f3e-a81f-9198114a2279"}}


def wecom_answer(stub: Stub, seen: Seen) -> tuple[int, dict]:
    if stub.answer == "ok":
        return 200, {"errcode": 0, "errmsg": "ok"}
    if stub.answer == "error":
        return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1]"}
    return 502, {"errmsg": "bad gateway"}


ANSWERS = {"aliyun": aliyun_answer, "tencent": tencent_answer, "wecom": wecom_answer}
# as each provider labels its answers (Tencent's SDK reads an error only from exactly this type)
CONTENT_TYPES = {"aliyun": "application/json;charset=utf-8", "tencent": "application/json",
                 "wecom": "application/json; charset=UTF-8"}


def start(provider: str) -> tuple[Stub, ThreadingHTTPServer]:
    stub = Stub()
    answer = ANSWERS[provider]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            seen = Seen(path=parts.path, headers={k.lower(): v for k, v in self.headers.items()},
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        body=self.rfile.read(length))
            stub.seen.append(seen)
            status, payload = answer(stub, seen)
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", CONTENT_TYPES[provider])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    return stub, server

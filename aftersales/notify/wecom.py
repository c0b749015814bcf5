"""The WeCom (企业微信) group robot: a POST of JSON text to the robot's webhook URL
(``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``, AFTERSALES_WECOM_ROBOT_URL). The
staff's escalations go to the group; the answer's ``errcode`` other than 0 is a failure the outbox
retries."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from aftersales.notify.channels import ChannelNotConfigured, DeliveryFailed
from aftersales.notify.models import Message

TIMEOUT_SECONDS = 15
MAX_BYTES = 2048  # the robot's limit for a text message


def _clip(text: str) -> str:
    data = text.encode()
    if len(data) <= MAX_BYTES:
        return text
    return data[:MAX_BYTES - 3].decode(errors="ignore") + "…"


class WecomRobot:
    name = "wecom_robot"

    def send(self, message: Message) -> str:
        url = getattr(settings, "NOTIFY_WECOM_ROBOT_URL", "")
        if not url:
            raise ChannelNotConfigured("no WeCom robot webhook (AFTERSALES_WECOM_ROBOT_URL)")
        content = _clip(f"{message.subject}\n{message.body}".strip())
        payload = json.dumps({"msgtype": "text", "text": {"content": content}},
                             ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=payload, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"WeCom robot HTTP {exc.code}") from None
        except ValueError:
            raise DeliveryFailed("WeCom robot: the answer is not JSON") from None
        if answer.get("errcode") != 0:
            raise DeliveryFailed(f"WeCom robot {answer.get('errcode')}: {answer.get('errmsg')}")
        return ""

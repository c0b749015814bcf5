import os

# Playwright's sync API drives the browser from the test thread while Django's live server
# runs in another: Django must allow ORM calls from that context (ARCHITECTURE.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

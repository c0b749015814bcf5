"""`aftersales apikey USERNAME NAME`: issue an API key for a machine client (X-API-Key header).

The key is printed once; only its SHA-256 is stored. `--revoke PREFIX` deactivates a key.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Issue (or revoke) an API key for /api/v1 (header X-API-Key)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="api")
        parser.add_argument("--revoke", metavar="PREFIX",
                            help="deactivate the key with this prefix")

    def handle(self, *args, username, name, revoke=None, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        if revoke:
            n = ApiToken.objects.filter(user=user, prefix=revoke).update(active=False)
            self.stdout.write(f"revoked {n}")
            return
        _token, key = ApiToken.issue(user=user, name=name)
        self.stdout.write(key)

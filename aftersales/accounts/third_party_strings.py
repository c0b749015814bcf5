"""Admin strings of installed packages that ship no Chinese catalogue (django-axes,
django-tasks-db). Listed here only so makemessages puts them in our .po; our catalogue
(LOCALE_PATHS) then translates them for the whole site. Nothing imports this module."""

from django.utils.translation import gettext_noop

THIRD_PARTY_MSGIDS = (
    # django-axes
    gettext_noop("Form Data"), gettext_noop("Meta Data"), gettext_noop("User Agent"),
    gettext_noop("IP Address"), gettext_noop("HTTP Accept"), gettext_noop("Path"),
    gettext_noop("Attempt Time"), gettext_noop("Access lock out"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("GET Data"), gettext_noop("POST Data"), gettext_noop("Failed Logins"),
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("Logout Time"), gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Access Attempt"), gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("Session key hash (sha256)"), gettext_noop("Locked Out"),
    # django-tasks-db
    gettext_noop("Task Result"), gettext_noop("Task Results"),
)

"""The logistics panels on the case page, the portal's case page and the home page."""


def register() -> None:
    pass

"""The demo company (issue 2 item 6): `aftersales demo load` / `aftersales demo logins`."""

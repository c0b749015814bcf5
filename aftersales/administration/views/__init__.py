"""The settings pages (docs/settings.md): thin views over accounts, policy and notify."""

"""The portal keeps no tables of its own: it works on the cases app's (its API keys moved to
the accounts app, migration portal 0003)."""

"""Goods coming back and going out (S2.4, S2.6, S2.7, S3.3, S5.3-S5.5): return authorizations,
receipt, the return processing form, disposition and the returned-goods ledger, replacement
shipments.
"""

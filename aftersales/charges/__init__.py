"""What customers and suppliers owe and what a case costs (S2.2, S2.3, S4.1-S4.3, S8.1, S9.6):
repair quotes, exchange differences collected by the cashier, advance-replacement charges, the
case's cost.
"""

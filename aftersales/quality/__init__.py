"""Inspection and responsibility (S2.2, S2.5, S3.1-S3.6, S5.5): inspections, the quality exception
report, supplier claims (物料异常联络函) and corrective actions.
"""

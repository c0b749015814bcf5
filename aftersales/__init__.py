"""Aftersales (售后): after-sales service and RMA system."""

__version__ = "0.1.0"

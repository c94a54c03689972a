"""Intake: format adapters turn agency files into validated exchange-format records."""

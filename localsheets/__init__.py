"""localsheets: a local service speaking the Google Sheets API v4, for development and tests.

It implements the part of the API actnet (through gspread) uses, with Google's
request and response shapes, errors and per-minute quotas. It does not
evaluate formulas (see the README).
"""

"""Identifier normalisation and validation: credit codes, phones, districts, names."""

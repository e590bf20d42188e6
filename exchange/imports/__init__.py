"""Imports from other systems: EPCIS documents or the Excel template, mapped once to our identifiers."""

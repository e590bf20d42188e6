"""EUDR (Regulation (EU) 2023/1115) due-diligence data: plots of origin, checks, the package for the EU system."""

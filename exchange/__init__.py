"""Exchanges with outside systems (issue 22): EUDR due diligence, the national portal, open data, FSMA 204."""

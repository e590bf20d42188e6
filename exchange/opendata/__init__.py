"""Open data for the provincial data warehouse: published records as CSV, JSON and Parquet with a Data Package."""

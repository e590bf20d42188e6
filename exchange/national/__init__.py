"""The national traceability portal adapter: an outbox of what the province publishes, pushed with retries."""

"""Helpers shared by the functional, fault and load tests: PostgreSQL
clusters and databases, service processes, and raw HTTP clients."""

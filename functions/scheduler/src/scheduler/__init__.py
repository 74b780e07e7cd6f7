"""Business-hours teardown of one environment: ECS services, RDS and NAT instances."""

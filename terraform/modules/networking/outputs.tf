output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT)."
  value       = aws_subnet.public[*].id
}

output "app_subnet_ids" {
  description = "IDs of the private app subnets (ECS tasks)."
  value       = aws_subnet.app[*].id
}

output "db_subnet_ids" {
  description = "IDs of the private database subnets (RDS)."
  value       = aws_subnet.db[*].id
}

output "nat_gateway_count" {
  description = "Number of NAT gateways the NAT strategy creates."
  value       = local.nat_gateway_count
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways."
  value       = aws_nat_gateway.this[*].id
}

output "nat_instance_count" {
  description = "Number of NAT instances the NAT strategy creates."
  value       = local.nat_instance_count
}

output "nat_instance_ids" {
  description = "IDs of the NAT instances (the FinOps scheduler stops and starts them)."
  value       = aws_instance.nat[*].id
}

output "interface_endpoint_services" {
  description = "Services that got an interface endpoint."
  value       = sort(tolist(local.interface_endpoints))
}

output "interface_endpoint_az_count" {
  description = "Number of AZs the interface endpoints are placed in (0 when there are none)."
  value       = length(local.interface_endpoints) > 0 ? local.endpoint_subnet_count : 0
}

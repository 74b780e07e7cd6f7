variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC; subnets are /20 slices of it (public 0-2, app 4-6, db 8-10)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 16
    error_message = "cidr_block must be an IPv4 CIDR of size /16 or larger."
  }
}

variable "availability_zones" {
  description = "Availability zones to spread the subnets over (2 or 3)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Give 2 or 3 availability zones."
  }
}

variable "nat_strategy" {
  description = "Egress for the private app subnets: none (VPC endpoints only), single (one NAT gateway, $32.85/month), per_az (one NAT gateway per AZ) or instance (one t4g.nano NAT instance, $3.71/month with its 8 GB volume, plus its public IPv4)."
  type        = string
  default     = "instance"

  validation {
    condition     = contains(["none", "single", "per_az", "instance"], var.nat_strategy)
    error_message = "nat_strategy must be one of none, single, per_az, instance."
  }
}

variable "enable_interface_endpoints" {
  description = "Create interface endpoints (ECR api/dkr, CloudWatch Logs, Secrets Manager, SSM) in the app subnets. Always on when nat_strategy is none. $7.30 per endpoint per AZ per month."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "AWS service names (the part after com.amazonaws.<region>.) that get an interface endpoint."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "Each entry must be a service name such as ecr.api or logs."
  }
}

variable "interface_endpoint_az_count" {
  description = "In how many AZs (from the first) the interface endpoints get a network interface; each AZ multiplies their hourly cost."
  type        = number
  default     = 2

  validation {
    condition     = var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= 3
    error_message = "interface_endpoint_az_count must be between 1 and 3."
  }
}

variable "nat_instance_type" {
  description = "EC2 instance type of the NAT instance (Graviton)."
  type        = string
  default     = "t4g.nano"

  validation {
    condition     = can(regex("^t4g\\.", var.nat_instance_type))
    error_message = "The NAT instance uses an arm64 AMI: pick a t4g type."
  }
}

variable "flow_logs_bucket_arn" {
  description = "ARN of the S3 bucket that receives the VPC flow logs (Parquet, hourly partitions)."
  type        = string
}

variable "flow_logs_traffic_type" {
  description = "Which flows to record: ACCEPT, REJECT or ALL."
  type        = string
  default     = "REJECT"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_logs_traffic_type)
    error_message = "flow_logs_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}

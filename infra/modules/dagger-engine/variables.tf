variable "name" {
  description = "Prefix of every resource name, as in the root stack (e.g. game-market-pipeline)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster the engine's EC2 capacity joins."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of that cluster, where the engine's service runs."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the engine host's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the engine instance (with a NAT gateway or VPC endpoints for ECS, SSM and registries)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "The Dagger engine needs at least one private subnet ID (subnet-...)."
  }
}

variable "image" {
  description = "Dagger engine image; keep its version equal to the Dagger CLI that calls it."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type of the engine host."
  type        = string
}

variable "volume_size_gb" {
  description = "Size of the engine's cache volume."
  type        = number
}

variable "port" {
  description = "Port the engine listens on, on the host's loopback side of the SSM port forward."
  type        = number
}

variable "log_retention_days" {
  description = "How long the engine's log group keeps its events."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the engine's log group."
  type        = string
}

variable "region" {
  description = "AWS region of the stack, for the awslogs driver."
  type        = string
}

variable "partition" {
  description = "AWS partition of the managed policy ARNs (aws, aws-us-gov, aws-cn)."
  type        = string
}

variable "tags" {
  description = "Tags every resource carries, the stack's common tags."
  type        = map(string)
}

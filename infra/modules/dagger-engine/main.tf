# A Dagger engine for remote `dagger call`. Fargate forbids privileged containers and the engine
# needs one, so it runs on ECS with an EC2 capacity provider: one instance in a private subnet, no
# inbound rule at all, its build cache on a dedicated encrypted EBS volume. Clients reach it
# through an SSM Session Manager port forward (TLS, IAM-authorised), e.g.
#   aws ssm start-session --target <instance-id> --document-name AWS-StartPortForwardingSession \
#     --parameters portNumber=1234,localPortNumber=1234
#   _EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1234 dagger call ...
locals {
  component   = "dagger-engine"
  cache_mount = "/var/lib/dagger-cache"
}

data "aws_ssm_parameter" "ecs_optimized_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_security_group" "this" {
  name        = "${var.name}-dagger-engine"
  description = "Dagger engine host: HTTPS out (registries, AWS APIs, SSM), nothing in"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to registries, AWS APIs and Session Manager"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name               = "${var.name}-dagger-engine-host"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = var.tags
}

# AWS's own minimal policies for an ECS container instance and a Session Manager target.
resource "aws_iam_role_policy_attachment" "host" {
  for_each = toset([
    "arn:${var.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "arn:${var.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.host.name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name}-dagger-engine-host"
  role = aws_iam_role.host.name
  tags = var.tags
}

resource "aws_launch_template" "this" {
  name_prefix            = "${var.name}-dagger-engine-"
  image_id               = data.aws_ssm_parameter.ecs_optimized_ami.insecure_value
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.this.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.host.arn
  }

  # IMDSv2 only, and one hop: containers on the bridge network cannot reach instance credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 30
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  # The engine's own volume: its build cache survives engine restarts and redeploys.
  block_device_mappings {
    device_name = "/dev/xvdb"
    ebs {
      volume_size           = var.volume_size_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "ECS_CLUSTER=${var.cluster_name}" >> /etc/ecs/ecs.config
    blkid /dev/xvdb || mkfs.xfs /dev/xvdb
    mkdir -p ${local.cache_mount}
    echo "/dev/xvdb ${local.cache_mount} xfs defaults,nofail 0 2" >> /etc/fstab
    mount ${local.cache_mount}
  EOT
  )

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-dagger-engine", Component = local.component })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Component = local.component })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "this" {
  name_prefix           = "${var.name}-dagger-engine-"
  min_size              = 0
  max_size              = 1
  desired_capacity      = 1
  vpc_zone_identifier   = var.subnet_ids
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  dynamic "tag" {
    for_each = merge(var.tags, { AmazonECSManaged = "true", Component = local.component })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

resource "aws_ecs_capacity_provider" "this" {
  name = "${var.name}-dagger-engine"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.this.arn
    managed_termination_protection = "ENABLED"

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = var.cluster_name
  capacity_providers = [aws_ecs_capacity_provider.this.name, "FARGATE"]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}/dagger-engine"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_ecs_task_definition" "this" {
  # checkov:skip=CKV_AWS_334: the Dagger engine runs its own containers and needs privileged mode; that is why it is not on Fargate.
  # checkov:skip=CKV_AWS_336: the engine writes its state and runtime files all over its filesystem; its cache lives on the dedicated volume.
  family                   = "${var.name}-dagger-engine"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"

  volume {
    name      = "dagger-cache"
    host_path = local.cache_mount
  }

  container_definitions = jsonencode([{
    name              = "dagger-engine"
    image             = var.image
    essential         = true
    privileged        = true
    memoryReservation = 2048
    command           = ["--addr", "unix:///run/dagger/engine.sock", "--addr", "tcp://0.0.0.0:${var.port}"]
    portMappings      = [{ containerPort = var.port, hostPort = var.port, protocol = "tcp" }]
    mountPoints       = [{ sourceVolume = "dagger-cache", containerPath = "/var/lib/dagger", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "engine"
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name            = "dagger-engine"
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 1

  # One instance, one fixed host port: stop the old engine before starting the new one.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.this.name
    weight            = 1
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  tags                    = var.tags

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

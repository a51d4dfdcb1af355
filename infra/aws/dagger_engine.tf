# Optional Dagger engine for remote `dagger call`. Fargate forbids privileged containers and the
# engine needs one, so it runs on ECS with an EC2 capacity provider: one instance in a private
# subnet, no inbound rule at all, its build cache on a dedicated encrypted EBS volume. Clients
# reach it through an SSM Session Manager port forward (TLS, IAM-authorised), e.g.
#   aws ssm start-session --target <instance-id> --document-name AWS-StartPortForwardingSession \
#     --parameters portNumber=1234,localPortNumber=1234
#   _EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1234 dagger call ...
locals {
  dagger_engine           = var.enable_dagger_engine ? 1 : 0
  dagger_engine_component = "dagger-engine"
  dagger_cache_mount      = "/var/lib/dagger-cache"
}

data "aws_ssm_parameter" "ecs_optimized_ami" {
  count = local.dagger_engine
  name  = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_security_group" "dagger_engine" {
  count = local.dagger_engine

  name        = "${var.name}-dagger-engine"
  description = "Dagger engine host: HTTPS out (registries, AWS APIs, SSM), nothing in"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_egress_rule" "dagger_engine_https" {
  count = local.dagger_engine

  security_group_id = aws_security_group.dagger_engine[0].id
  description       = "HTTPS to registries, AWS APIs and Session Manager"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
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

resource "aws_iam_role" "dagger_engine_host" {
  count = local.dagger_engine

  name               = "${var.name}-dagger-engine-host"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = local.tags
}

# AWS's own minimal policies for an ECS container instance and a Session Manager target.
resource "aws_iam_role_policy_attachment" "dagger_engine_host" {
  for_each = var.enable_dagger_engine ? toset([
    "arn:${local.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ]) : toset([])

  role       = aws_iam_role.dagger_engine_host[0].name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "dagger_engine_host" {
  count = local.dagger_engine

  name = "${var.name}-dagger-engine-host"
  role = aws_iam_role.dagger_engine_host[0].name
  tags = local.tags
}

resource "aws_launch_template" "dagger_engine" {
  count = local.dagger_engine

  name_prefix            = "${var.name}-dagger-engine-"
  image_id               = data.aws_ssm_parameter.ecs_optimized_ami[0].insecure_value
  instance_type          = var.dagger_engine_instance_type
  vpc_security_group_ids = [aws_security_group.dagger_engine[0].id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.dagger_engine_host[0].arn
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
      volume_size           = var.dagger_engine_volume_size_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "ECS_CLUSTER=${aws_ecs_cluster.this.name}" >> /etc/ecs/ecs.config
    blkid /dev/xvdb || mkfs.xfs /dev/xvdb
    mkdir -p ${local.dagger_cache_mount}
    echo "/dev/xvdb ${local.dagger_cache_mount} xfs defaults,nofail 0 2" >> /etc/fstab
    mount ${local.dagger_cache_mount}
  EOT
  )

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-dagger-engine", Component = local.dagger_engine_component })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Component = local.dagger_engine_component })
  }

  tags = local.tags
}

resource "aws_autoscaling_group" "dagger_engine" {
  count = local.dagger_engine

  name_prefix           = "${var.name}-dagger-engine-"
  min_size              = 0
  max_size              = 1
  desired_capacity      = 1
  vpc_zone_identifier   = var.dagger_engine_subnet_ids
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.dagger_engine[0].id
    version = aws_launch_template.dagger_engine[0].latest_version
  }

  dynamic "tag" {
    for_each = merge(local.tags, { AmazonECSManaged = "true", Component = local.dagger_engine_component })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    ignore_changes = [desired_capacity]

    precondition {
      condition     = length(var.dagger_engine_subnet_ids) > 0
      error_message = "enable_dagger_engine needs dagger_engine_subnet_ids (private subnets)."
    }
  }
}

resource "aws_ecs_capacity_provider" "dagger_engine" {
  count = local.dagger_engine

  name = "${var.name}-dagger-engine"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.dagger_engine[0].arn
    managed_termination_protection = "ENABLED"

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }

  tags = local.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  count = local.dagger_engine

  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = [aws_ecs_capacity_provider.dagger_engine[0].name, "FARGATE"]
}

resource "aws_cloudwatch_log_group" "dagger_engine" {
  count = local.dagger_engine

  name              = "/ecs/${var.name}/dagger-engine"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_ecs_task_definition" "dagger_engine" {
  # checkov:skip=CKV_AWS_334: the Dagger engine runs its own containers and needs privileged mode; that is why it is not on Fargate.
  # checkov:skip=CKV_AWS_336: the engine writes its state and runtime files all over its filesystem; its cache lives on the dedicated volume.
  count = local.dagger_engine

  family                   = "${var.name}-dagger-engine"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"

  volume {
    name      = "dagger-cache"
    host_path = local.dagger_cache_mount
  }

  container_definitions = jsonencode([{
    name              = "dagger-engine"
    image             = var.dagger_engine_image
    essential         = true
    privileged        = true
    memoryReservation = 2048
    command           = ["--addr", "unix:///run/dagger/engine.sock", "--addr", "tcp://0.0.0.0:${var.dagger_engine_port}"]
    portMappings      = [{ containerPort = var.dagger_engine_port, hostPort = var.dagger_engine_port, protocol = "tcp" }]
    mountPoints       = [{ sourceVolume = "dagger-cache", containerPath = "/var/lib/dagger", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.dagger_engine[0].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "engine"
      }
    }
  }])

  tags = local.tags
}

resource "aws_ecs_service" "dagger_engine" {
  count = local.dagger_engine

  name            = "dagger-engine"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.dagger_engine[0].arn
  desired_count   = 1

  # One instance, one fixed host port: stop the old engine before starting the new one.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.dagger_engine[0].name
    weight            = 1
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  tags                    = local.tags

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

# A role GitHub Actions of this repository (on the allowed refs only) can assume without stored
# keys: publish the two images, start and follow runs, and reach the optional Dagger engine.
locals {
  github_oidc_url          = "https://token.actions.githubusercontent.com"
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = local.github_oidc_url
  client_id_list = ["sts.amazonaws.com"]
  tags           = local.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 0 : 1
  url   = local.github_oidc_url
}

data "aws_iam_policy_document" "github_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [for ref in var.github_allowed_refs : "repo:${var.github_repository}:ref:${ref}"]
    }
  }
}

resource "aws_iam_role" "github_deploy" {
  name                 = "${var.name}-github-deploy"
  assume_role_policy   = data.aws_iam_policy_document.github_assume.json
  max_session_duration = 3600
  tags                 = local.tags
}

data "aws_iam_policy_document" "github_deploy" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the action has no resource-level permissions
  }
  statement {
    sid = "PublishImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [for repo in aws_ecr_repository.this : repo.arn]
  }
  statement {
    sid       = "StartRuns"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.pipeline.arn]
  }
  statement {
    sid       = "FollowRuns"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = ["arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${aws_sfn_state_machine.pipeline.name}:*"]
  }

  dynamic "statement" {
    for_each = var.enable_dagger_engine ? [1] : []
    content {
      sid       = "FindDaggerEngine"
      actions   = ["ec2:DescribeInstances"]
      resources = ["*"] # Describe* calls have no resource-level permissions
    }
  }
  dynamic "statement" {
    for_each = var.enable_dagger_engine ? [1] : []
    content {
      sid       = "ForwardToDaggerEngineHost"
      actions   = ["ssm:StartSession"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:instance/*"]
      condition {
        test     = "StringEquals"
        variable = "ssm:resourceTag/Component"
        values   = module.dagger_engine[*].component
      }
    }
  }
  dynamic "statement" {
    for_each = var.enable_dagger_engine ? [1] : []
    content {
      sid       = "PortForwardingOnly"
      actions   = ["ssm:StartSession"]
      resources = ["arn:${local.partition}:ssm:${local.region}::document/AWS-StartPortForwardingSession"]
    }
  }
  dynamic "statement" {
    for_each = var.enable_dagger_engine ? [1] : []
    content {
      sid       = "EndSessions"
      actions   = ["ssm:TerminateSession", "ssm:ResumeSession"]
      resources = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:session/*"]
    }
  }
}

resource "aws_iam_role_policy" "github_deploy" {
  name   = "publish-and-run"
  role   = aws_iam_role.github_deploy.id
  policy = data.aws_iam_policy_document.github_deploy.json
}

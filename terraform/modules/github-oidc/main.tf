# GitHub Actions authenticates with OIDC (no stored AWS keys). Four roles
# per environment, each trusted only for the OIDC subjects that need it:
# - deploy (environment:<env>): push to this environment's ECR repositories,
#   register this environment's task definitions, update and follow its
#   services' blue/green deployments, run db-init, pass only its task roles,
#   and resume/re-stop an environment the FinOps scheduler stopped (RDS, the
#   NAT instance, the remembered desired counts), so a deploy works at night.
# - plan (dev: pull requests and main; prod: main only): read-only, for
#   `terraform plan` and the weekly cost report: its own state object and
#   lock file, and Describe/List/Get on the services the stack uses; never a
#   secret value, a log line, an image layer or another object's content
#   (explicit denies).
# - apply (environment:<env>): `terraform apply` in CI. PowerUserAccess (every
#   service but IAM, Organizations and Account) plus IAM writes only on this
#   environment's own roles and policies; it may not change its own role
#   (an administrator applies that, scripts/setup.sh) nor attach managed
#   policies.
# - rotate (environment:<env>): the scheduled rotation of the API keys
#   (.github/workflows/rotate-secrets.yml running scripts/rotate-secret.sh):
#   new versions and staging labels of the API-key secrets only (never a
#   database password's), redeploys of the services that read them, and
#   db-init, which the script's password path starts (a password cannot be
#   written by this role, so a run can only re-apply the current ones).
# The account's GitHub OIDC provider is created by one stack of the account
# (create_oidc_provider) and looked up by the others.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.region
  partition = data.aws_partition.current.partition
  iam       = "arn:${local.partition}:iam::${local.account}"
  provider_arn = (var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn
    : var.existing_oidc_provider_arn != "" ? var.existing_oidc_provider_arn
  : data.aws_iam_openid_connect_provider.github[0].arn)

  state_object = "arn:${local.partition}:s3:::${var.state_bucket}/${var.state_key}"
  apply_role   = "${var.name}-github-apply"
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

# Another stack of the account (dev's, in a shared account) owns the provider.
data "aws_iam_openid_connect_provider" "github" {
  count = !var.create_oidc_provider && var.existing_oidc_provider_arn == "" ? 1 : 0

  url = "https://token.actions.githubusercontent.com"
}

data "aws_iam_policy_document" "trust" {
  for_each = {
    deploy = var.deploy_subjects
    plan   = var.plan_subjects
    apply  = var.apply_subjects
    rotate = var.rotate_subjects
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [for s in each.value : "repo:${var.repository}:${s}"]
    }
  }
}

# ---- deploy -------------------------------------------------------------------

resource "aws_iam_role" "deploy" {
  name               = "${var.name}-github-deploy"
  assume_role_policy = data.aws_iam_policy_document.trust["deploy"].json
  # A prod deploy (three services, a 10-minute bake each) can take more than
  # an hour; the workflow asks for the same duration.
  max_session_duration = 7200

  tags = var.tags
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = var.ecr_repository_arns
  }

  # DescribeTaskDefinition has no resource type (Service Authorization
  # Reference, Amazon ECS); RegisterTaskDefinition is scoped to the families.
  statement {
    sid       = "ReadTaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "RegisterServiceRevisions"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [for f in var.service_task_definition_families : "arn:${local.partition}:ecs:${local.region}:${local.account}:task-definition/${f}:*"]
  }

  statement {
    sid       = "ListClusterServices"
    actions   = ["ecs:ListServices"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "UpdateServices"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices", "ecs:ListServiceDeployments"]
    resources = var.ecs_service_arns
  }

  statement {
    sid       = "FollowServiceDeployments"
    actions   = ["ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment"]
    resources = concat(var.ecs_service_arns, ["arn:${local.partition}:ecs:${local.region}:${local.account}:service-deployment/${var.ecs_cluster_name}/*"])
  }

  statement {
    sid       = "RunDbInit"
    actions   = ["ecs:RunTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account}:task-definition/${var.db_init_family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "WatchTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account}:task/${var.ecs_cluster_name}/*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "PassOnlyThisEnvironmentsTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.passable_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # An off-hours deploy resumes what the FinOps scheduler stopped and stops
  # it again afterwards (scripts/lib/aws-environment.sh, the scheduler's
  # own protocol): the database, the NAT instance, the services' remembered
  # desired counts and their suspended auto scaling.
  statement {
    sid       = "FindStoppedResources"
    actions   = ["rds:DescribeDBInstances", "ec2:DescribeInstances", "application-autoscaling:DescribeScalableTargets"]
    resources = ["*"]
  }

  statement {
    sid       = "StartStopDatabase"
    actions   = ["rds:StartDBInstance", "rds:StopDBInstance"]
    resources = [var.db_instance_arn]
  }

  statement {
    sid       = "StartStopNatInstance"
    actions   = ["ec2:StartInstances", "ec2:StopInstances"]
    resources = ["arn:${local.partition}:ec2:${local.region}:${local.account}:instance/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Name"
      values   = [var.nat_instance_name]
    }
  }

  statement {
    sid       = "RememberDesiredCounts"
    actions   = ["ssm:GetParametersByPath", "ssm:PutParameter"]
    resources = ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter${var.scheduler_parameter_path}", "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter${var.scheduler_parameter_path}/*"]
  }

  statement {
    sid       = "SuspendResumeScaling"
    actions   = ["application-autoscaling:RegisterScalableTarget"]
    resources = var.scalable_target_arns
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

# ---- plan -----------------------------------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.name}-github-plan"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = 3600

  tags = var.tags
}

data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket}"]
  }

  statement {
    sid       = "ReadOwnState"
    actions   = ["s3:GetObject"]
    resources = [local.state_object]
  }

  # use_lockfile: a plan takes the lock (<key>.tflock) and removes it.
  statement {
    sid       = "OwnStateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_object}.tflock"]
  }

  # Refreshing the stack reads every resource's configuration. AWS Budgets
  # names its read action ViewBudget.
  statement {
    sid       = "ReadStackConfiguration"
    actions   = concat(sort(flatten([for s in var.plan_read_services : s == "iam" ? ["iam:Get*", "iam:List*"] : ["${s}:Describe*", "${s}:Get*", "${s}:List*"]])), contains(var.plan_read_services, "budgets") ? ["budgets:ViewBudget"] : [])
    resources = ["*"]
  }

  # Configuration, never content: no secret value, no decryption, no log
  # line, no object but the state.
  statement {
    sid    = "NeverContent"
    effect = "Deny"
    actions = [
      "secretsmanager:GetSecretValue",
      "kms:Decrypt",
      "logs:GetLogEvents",
      "logs:GetLogRecord",
      "logs:GetQueryResults",
      "logs:FilterLogEvents",
      "ecr:GetDownloadUrlForLayer",
      "ssm:GetParameterHistory",
    ]
    resources = ["*"]
  }

  statement {
    sid           = "NoOtherObject"
    effect        = "Deny"
    actions       = ["s3:GetObject", "s3:GetObjectVersion"]
    not_resources = [local.state_object, "${local.state_object}.tflock"]
  }
}

resource "aws_iam_role_policy" "plan" {
  name   = "plan"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan.json
}

# ---- apply ------------------------------------------------------------------------

resource "aws_iam_role" "apply" {
  name                 = local.apply_role
  assume_role_policy   = data.aws_iam_policy_document.trust["apply"].json
  max_session_duration = 7200

  tags = var.tags
}

# Everything but IAM, Organizations and Account (AWS managed).
resource "aws_iam_role_policy_attachment" "apply_power_user" {
  role       = aws_iam_role.apply.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/PowerUserAccess"
}

data "aws_iam_policy_document" "apply" {
  statement {
    sid       = "ReadIam"
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  # The stack's roles, their inline policies and the OIDC provider. Roles of
  # other environments or projects are out of reach.
  statement {
    sid = "ManageOwnRoles"
    actions = [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PassRole",
    ]
    resources = ["${local.iam}:role/${var.name}-*"]
  }

  statement {
    sid = "ManageOidcProvider"
    actions = [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
    ]
    resources = ["${local.iam}:oidc-provider/token.actions.githubusercontent.com"]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "rds.amazonaws.com"]
    }
  }

  # The Terraform state of this environment only.
  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket}"]
  }

  statement {
    sid       = "OwnStateAndLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_object, "${local.state_object}.tflock"]
  }

  # CI never widens its own rights: its role, and managed policies on any
  # role, are an administrator's change (scripts/setup.sh).
  statement {
    sid     = "NotItsOwnRole"
    effect  = "Deny"
    actions = ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole", "iam:UpdateRole"]
    resources = [
      "${local.iam}:role/${local.apply_role}",
    ]
  }

  statement {
    sid       = "NoManagedPolicies"
    effect    = "Deny"
    actions   = ["iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]
    resources = ["*"]
  }

  # No object but this environment's state: another environment's state in
  # a shared bucket stays out of reach (the stack writes no other object).
  statement {
    sid           = "NoOtherObject"
    effect        = "Deny"
    actions       = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    not_resources = [local.state_object, "${local.state_object}.tflock"]
  }
}

resource "aws_iam_role_policy" "apply" {
  name   = "apply"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.apply.json
}

# ---- rotate -----------------------------------------------------------------------

resource "aws_iam_role" "rotate" {
  name                 = "${var.name}-github-rotate"
  assume_role_policy   = data.aws_iam_policy_document.trust["rotate"].json
  max_session_duration = 3600

  tags = var.tags
}

# Exactly the calls of scripts/rotate-secret.sh (tools/workflow-check iam
# checks both ways). GetRandomPassword has no resource type (Service
# Authorization Reference, AWS Secrets Manager); the others are scoped to
# the API-key secrets, the KMS key that encrypts them, the services that
# read them and their deployments, and db-init.
data "aws_iam_policy_document" "rotate" {
  statement {
    sid       = "GenerateValues"
    actions   = ["secretsmanager:GetRandomPassword"]
    resources = ["*"]
  }

  statement {
    sid       = "RotateApiKeys"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]
    resources = var.rotated_secret_arns
  }

  # PutSecretValue encrypts the new version with the secrets' key.
  statement {
    sid       = "EncryptNewVersions"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.secrets_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "RedeployReaders"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService", "ecs:ListServiceDeployments"]
    resources = var.rotated_service_arns
  }

  statement {
    sid       = "FollowDeployments"
    actions   = ["ecs:DescribeServiceDeployments"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account}:service-deployment/${var.ecs_cluster_name}/*"]
  }

  statement {
    sid       = "RunDbInit"
    actions   = ["ecs:RunTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account}:task-definition/${var.db_init_family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "WatchDbInit"
    actions   = ["ecs:DescribeTasks"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account}:task/${var.ecs_cluster_name}/*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "PassOnlyDbInitRoles"
    actions   = ["iam:PassRole"]
    resources = var.db_init_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "rotate" {
  name   = "rotate"
  role   = aws_iam_role.rotate.id
  policy = data.aws_iam_policy_document.rotate.json
}

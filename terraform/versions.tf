terraform {
  required_version = ">= 1.10"

  # The AWS provider is pinned to exactly the version whose schema
  # tools/tfcheck checks against (@cdktf/provider-aws in
  # tools/tfcheck/package.json; a tfcheck test fails when the two differ).
  # To move both: bump that package to the release built from the new
  # provider version, run `npm install` in tools/tfcheck, set the version
  # here, and run tools/tfcheck/run-tests.sh.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

provider "aws" {
  region = var.aws_region

  # Cost-allocation tags on everything; modules add Service where relevant.
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = var.github_repository
    }
  }

  # The FinOps scheduler tags what it stops auto-stopped=<time> and removes the
  # tag when it starts it again (modules/scheduler): not drift to undo.
  ignore_tags {
    keys = ["auto-stopped"]
  }
}

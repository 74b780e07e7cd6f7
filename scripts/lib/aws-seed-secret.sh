#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Gives a Secrets Manager secret its first value: 40 random letters and
# digits from Secrets Manager's own generator, written only when the secret
# has no AWSCURRENT version yet, and labelled AWSPREVIOUS as well (the task
# definitions name the AWSPREVIOUS stage, which scripts/rotate-secret.sh
# keeps for the grace window of a rotation; a secret seeded before gets the
# label on its current version). Terraform runs it once per new secret
# (terraform/modules/secrets, terraform_data.seed), so secret values never
# pass through Terraform's state or plans; a value that exists (seeded before,
# or rotated since) is left alone, so running it again changes nothing.
#
# Usage: scripts/lib/aws-seed-secret.sh SECRET_ID REGION
# Needs the AWS CLI v2 and credentials allowed secretsmanager:ListSecretVersionIds,
# secretsmanager:GetRandomPassword, secretsmanager:PutSecretValue and
# secretsmanager:UpdateSecretVersionStage (and kms:GenerateDataKey on the
# secret's key). The value is never printed, never on a command line (it goes
# through a mode-600 temporary file) and never logged.
set -euo pipefail

die() { echo "aws-seed-secret: $*" >&2; exit 1; }

# shellcheck source=help.sh
source "$(dirname "${BASH_SOURCE[0]}")/help.sh"
[ $# -eq 2 ] || { script_help "$0" "Usage:" >&2; exit 2; }
SECRET_ID="$1"
REGION="$2"
[ -n "$SECRET_ID" ] || die "the secret id is empty"
[ -n "$REGION" ] || die "the region is empty"
command -v aws >/dev/null 2>&1 || die "the AWS CLI is not installed (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"

# Does the secret have a current value? (ListSecretVersionIds reads version
# metadata only, never a value.)
stages="$(aws secretsmanager list-secret-version-ids --region "$REGION" --secret-id "$SECRET_ID" \
  --query 'Versions[].VersionStages[]' --output text)" || die "cannot list the versions of ${SECRET_ID}"
# label_previous VERSION_ID: AWSPREVIOUS on that version too.
label_previous() {
  aws secretsmanager update-secret-version-stage --region "$REGION" --secret-id "$SECRET_ID" \
    --version-stage AWSPREVIOUS --move-to-version-id "$1" --output text >/dev/null ||
    die "cannot label version $1 of ${SECRET_ID} AWSPREVIOUS"
}
if grep -qw AWSCURRENT <<<"$stages"; then
  if ! grep -qw AWSPREVIOUS <<<"$stages"; then
    # shellcheck disable=SC2016 # a JMESPath literal, not a shell expansion
    current="$(aws secretsmanager list-secret-version-ids --region "$REGION" --secret-id "$SECRET_ID" \
      --query 'Versions[?contains(VersionStages, `AWSCURRENT`)].VersionId | [0]' --output text)" ||
      die "cannot list the versions of ${SECRET_ID}"
    label_previous "$current"
    echo "aws-seed-secret: ${SECRET_ID##*:} already has a value: left as it is, labelled AWSPREVIOUS too"
    exit 0
  fi
  echo "aws-seed-secret: ${SECRET_ID##*:} already has a value: left as it is"
  exit 0
fi

umask 077
value_file="$(mktemp)"
trap 'rm -f "$value_file"' EXIT
value="$(aws secretsmanager get-random-password --region "$REGION" --password-length 40 \
  --exclude-punctuation --require-each-included-type --query RandomPassword --output text)" ||
  die "secretsmanager get-random-password failed"
[ "${#value}" -eq 40 ] || die "get-random-password returned no 40-character value"
printf '%s' "$value" >"$value_file"
unset value
# put-secret-value with a token derived from the secret: a retry after a
# lost answer is the same request, not a second version.
token="seed-$(printf '%s' "$SECRET_ID" | sha256sum | cut -c1-40)"
version="$(aws secretsmanager put-secret-value --region "$REGION" --secret-id "$SECRET_ID" \
  --client-request-token "$token" --secret-string "file://${value_file}" --output text --query VersionId)" ||
  die "secretsmanager put-secret-value failed for ${SECRET_ID}"
label_previous "$version"
echo "aws-seed-secret: ${SECRET_ID##*:} has its first value"

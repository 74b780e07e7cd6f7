'use strict';
// Requirement 4: security rules. Each names the checkov and/or trivy check
// it mirrors and says in one line why it matters. A rule reads resource
// arguments through evaluated instances (lib/instances.js): a value that
// depends on something only AWS knows is UNKNOWN and is not reported.

const { UNKNOWN, Encoded, containsUnknown } = require('../eval');

const isTrue = (v) => v === true || v === 'true';
const isFalse = (v) => v === false || v === 'false';
const known = (v) => v !== UNKNOWN && !(v instanceof Encoded);

function decodeJson(v) {
  if (v instanceof Encoded) return v.value;
  if (typeof v === 'string') {
    try { return JSON.parse(v); } catch { return UNKNOWN; }
  }
  return v === undefined ? undefined : UNKNOWN;
}

function asList(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function containers(td) {
  const v = decodeJson(td.get('container_definitions'));
  if (!Array.isArray(v)) return [];
  return v.filter((c) => c && typeof c === 'object' && c !== UNKNOWN);
}

function isProd(sc) {
  const env = sc.root.vars.environment;
  if (typeof env === 'string') return /^prod/.test(env);
  return /prod/.test(sc.name);
}

// Resources of `type` in the same module instance as `r` whose argument
// `arg` refers to r (by "type.name").
function linked(sc, r, type, arg) {
  const ref = `${r.type}.${r.name}`;
  return sc.byType(type).filter((x) => x.inst === r.inst && x.refsIn(arg).includes(ref));
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;
const URL_WITH_PASSWORD = /:\/\/[^/\s:@]+:[^@\s/]+@/;
const MODERN_TLS = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;
const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];

// Statements of an IAM policy JSON value (jsonencode or string).
function jsonStatements(policy) {
  const doc = decodeJson(policy);
  if (!doc || doc === UNKNOWN || typeof doc !== 'object') return [];
  return asList(doc.Statement).filter((s) => s && typeof s === 'object').map((s) => ({
    effect: s.Effect ?? 'Allow',
    actions: asList(s.Action),
    resources: asList(s.Resource),
  }));
}

const IDENTITY_POLICIES = [
  ['aws_iam_policy', 'policy'], ['aws_iam_role_policy', 'policy'], ['aws_iam_user_policy', 'policy'],
  ['aws_iam_group_policy', 'policy'],
];

// Every Allow statement of every identity policy in a scenario, with where it is.
function identityStatements(sc) {
  const out = [];
  const fromDoc = (owner, ref) => {
    for (const doc of sc.resolve(owner, ref)) {
      for (const st of doc.blocks('statement')) {
        out.push({ view: st, at: doc, effect: st.get('effect') ?? 'Allow', actions: asList(st.get('actions')), resources: asList(st.get('resources')) });
      }
    }
  };
  const fromAttr = (owner, view, arg) => {
    for (const ref of view.refsIn ? view.refsIn(arg) : owner.refsIn(arg)) {
      if (ref.startsWith('data.aws_iam_policy_document.')) fromDoc(owner, ref);
    }
    for (const s of jsonStatements(view.get(arg))) out.push({ view, at: owner, ...s });
  };
  for (const [type, arg] of IDENTITY_POLICIES) for (const r of sc.byType(type)) fromAttr(r, r, arg);
  for (const r of sc.byType('aws_iam_role')) {
    for (const ip of r.blocks('inline_policy')) {
      for (const s of jsonStatements(ip.get('policy'))) out.push({ view: ip, at: r, ...s });
    }
  }
  return out.filter((s) => s.effect === 'Allow');
}

const RULES = [
  {
    id: 'ECS_READONLY_ROOT_FS', checkov: 'CKV_AWS_336', trivy: null,
    title: 'ECS containers use a read-only root filesystem',
    reason: 'a compromised process cannot drop tools into or alter the image at run time',
    check(sc, report) {
      for (const td of sc.byType('aws_ecs_task_definition')) {
        for (const c of containers(td)) {
          if (c.readonlyRootFilesystem !== true && c.readonlyRootFilesystem !== UNKNOWN) report(td, 'container_definitions', `container ${JSON.stringify(c.name)} does not set readonlyRootFilesystem = true`);
        }
      }
    },
  },
  {
    id: 'ECS_NON_PRIVILEGED', checkov: 'CKV_AWS_334', trivy: null,
    title: 'ECS containers are not privileged and do not run as root',
    reason: 'a privileged or root container can escape to the host or other tasks much more easily',
    check(sc, report) {
      for (const td of sc.byType('aws_ecs_task_definition')) {
        for (const c of containers(td)) {
          if (c.privileged === true) report(td, 'container_definitions', `container ${JSON.stringify(c.name)} sets privileged = true`);
          if (typeof c.user === 'string' && /^(root|0)(:|$)/.test(c.user)) report(td, 'container_definitions', `container ${JSON.stringify(c.name)} runs as root (user = ${JSON.stringify(c.user)})`);
        }
      }
    },
  },
  {
    id: 'ECS_NO_PUBLIC_IP', checkov: 'CKV_AWS_333', trivy: null,
    title: 'ECS services get no public IP address',
    reason: 'tasks stay reachable only through the load balancer, and no $3.65/month public IPv4 per task',
    check(sc, report) {
      for (const s of sc.byType('aws_ecs_service')) {
        for (const nc of s.blocks('network_configuration')) {
          if (isTrue(nc.get('assign_public_ip'))) report(nc, 'assign_public_ip', 'assign_public_ip = true gives every task a public address');
        }
      }
    },
  },
  {
    id: 'ECS_NO_PLAINTEXT_SECRETS', checkov: null, trivy: 'AVD-AWS-0036',
    title: 'ECS task definitions keep secrets out of plain environment variables',
    reason: 'environment values are visible to anyone who can describe the task definition; use secrets[].valueFrom',
    check(sc, report) {
      for (const td of sc.byType('aws_ecs_task_definition')) {
        for (const c of containers(td)) {
          for (const e of asList(c.environment)) {
            if (!e || typeof e !== 'object') continue;
            if (typeof e.name === 'string' && SECRET_NAME.test(e.name)) report(td, 'container_definitions', `container ${JSON.stringify(c.name)} passes ${e.name} as a plain environment variable`);
            else if (typeof e.value === 'string' && URL_WITH_PASSWORD.test(e.value)) report(td, 'container_definitions', `container ${JSON.stringify(c.name)} has a password inside the URL in ${e.name}`);
          }
        }
      }
    },
  },
  {
    id: 'ECS_SEPARATE_ROLES', checkov: 'CKV_AWS_249', trivy: null,
    title: 'ECS task and execution roles are different',
    reason: 'the execution role reads every secret of the task; the application must not hold those rights',
    check(sc, report) {
      for (const td of sc.byType('aws_ecs_task_definition')) {
        const a = td.raw('execution_role_arn');
        const b = td.raw('task_role_arn');
        if (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) report(td, 'task_role_arn', 'task_role_arn is the same as execution_role_arn');
      }
    },
  },
  {
    id: 'ECR_IMMUTABLE_TAGS', checkov: 'CKV_AWS_51', trivy: 'AVD-AWS-0031',
    title: 'ECR repositories have immutable tags',
    reason: 'a deployed tag can never be overwritten, so what was tested is what runs',
    check(sc, report) {
      for (const r of sc.byType('aws_ecr_repository')) {
        const v = r.get('image_tag_mutability');
        if (v === undefined || (known(v) && !/^IMMUTABLE/.test(v))) report(r, 'image_tag_mutability', `image_tag_mutability is ${v === undefined ? 'not set (MUTABLE)' : JSON.stringify(v)}`);
      }
    },
  },
  {
    id: 'ECR_SCAN_ON_PUSH', checkov: 'CKV_AWS_163', trivy: 'AVD-AWS-0030',
    title: 'ECR repositories scan images on push',
    reason: 'known CVEs in a new image are reported before it is deployed',
    check(sc, report) {
      for (const r of sc.byType('aws_ecr_repository')) {
        const cfg = r.blocks('image_scanning_configuration');
        const on = cfg.some((c) => { const v = c.get('scan_on_push'); return isTrue(v) || v === UNKNOWN; });
        if (!on) report(r, 'image_scanning_configuration', 'image_scanning_configuration.scan_on_push is not true');
      }
    },
  },
  {
    id: 'RDS_ENCRYPTED', checkov: 'CKV_AWS_16', trivy: 'AVD-AWS-0080',
    title: 'RDS storage is encrypted',
    reason: 'data, snapshots and replicas are unreadable without the KMS key',
    check(sc, report) {
      for (const r of sc.byType('aws_db_instance')) {
        const v = r.get('storage_encrypted');
        if (v === undefined || isFalse(v)) report(r, 'storage_encrypted', 'storage_encrypted is not true');
      }
    },
  },
  {
    id: 'RDS_NOT_PUBLIC', checkov: 'CKV_AWS_17', trivy: 'AVD-AWS-0082',
    title: 'RDS is not publicly accessible',
    reason: 'the database must be reachable only from the services inside the VPC',
    check(sc, report) {
      for (const r of sc.byType('aws_db_instance')) {
        if (isTrue(r.get('publicly_accessible'))) report(r, 'publicly_accessible', 'publicly_accessible = true');
      }
    },
  },
  {
    id: 'RDS_BACKUPS', checkov: 'CKV_AWS_133', trivy: 'AVD-AWS-0077',
    title: 'RDS keeps automated backups',
    reason: 'point-in-time recovery needs a backup retention of at least one day',
    check(sc, report) {
      for (const r of sc.byType('aws_db_instance')) {
        const v = r.get('backup_retention_period');
        if (v === undefined || (known(v) && Number(v) < 1)) report(r, 'backup_retention_period', `backup_retention_period is ${v === undefined ? 'not set (0)' : v}`);
      }
    },
  },
  {
    id: 'RDS_DELETION_PROTECTION_PROD', checkov: 'CKV_AWS_293', trivy: 'AVD-AWS-0177',
    title: 'RDS in prod has deletion protection and a final snapshot',
    reason: 'a mistaken destroy must not lose the production database',
    check(sc, report) {
      if (!isProd(sc)) return;
      for (const r of sc.byType('aws_db_instance')) {
        const v = r.get('deletion_protection');
        if (v === undefined || isFalse(v)) report(r, 'deletion_protection', 'deletion_protection is not true in prod');
        if (isTrue(r.get('skip_final_snapshot'))) report(r, 'skip_final_snapshot', 'skip_final_snapshot = true in prod');
      }
    },
  },
  {
    id: 'ALB_HTTPS_REDIRECT', checkov: 'CKV_AWS_2', trivy: 'AVD-AWS-0054',
    title: 'HTTP listeners redirect to HTTPS when a certificate is set',
    reason: 'once TLS is available no request should travel in clear text',
    check(sc, report) {
      const listeners = sc.byType('aws_lb_listener');
      for (const l of listeners) {
        if (l.get('protocol') !== 'HTTP') continue;
        const hasHttps = listeners.some((o) => o.inst === l.inst && o.get('protocol') === 'HTTPS');
        if (!hasHttps) continue;
        const acts = l.blocks('default_action');
        const redirects = acts.some((a) => {
          const t = a.get('type');
          if (t === UNKNOWN) return true;
          return t === 'redirect' && a.blocks('redirect').some((r) => { const p = r.get('protocol'); return p === 'HTTPS' || p === UNKNOWN; });
        });
        if (!redirects) report(l, 'default_action', 'the HTTP listener does not redirect to HTTPS although an HTTPS listener exists');
      }
    },
  },
  {
    id: 'ALB_MODERN_TLS', checkov: 'CKV_AWS_103', trivy: 'AVD-AWS-0047',
    title: 'HTTPS listeners use a TLS 1.2+ security policy',
    reason: 'TLS 1.0/1.1 and weak ciphers are broken; the default policy still allows them',
    check(sc, report) {
      for (const l of sc.byType('aws_lb_listener')) {
        const p = l.get('protocol');
        if (p !== 'HTTPS' && p !== 'TLS') continue;
        const pol = l.get('ssl_policy');
        if (pol === undefined || (known(pol) && !MODERN_TLS.test(pol))) report(l, 'ssl_policy', `ssl_policy ${pol === undefined ? 'is not set (ELBSecurityPolicy-2016-08 allows TLS 1.0)' : `${JSON.stringify(pol)} allows TLS below 1.2`}`);
      }
    },
  },
  {
    id: 'ALB_DROP_INVALID_HEADERS', checkov: 'CKV_AWS_131', trivy: 'AVD-AWS-0052',
    title: 'Application load balancers drop invalid header fields',
    reason: 'malformed headers are a request-smuggling vector against the services behind it',
    check(sc, report) {
      for (const lb of sc.byType('aws_lb')) {
        const t = lb.get('load_balancer_type');
        if (t !== undefined && t !== 'application') continue;
        if (!isTrue(lb.get('drop_invalid_header_fields')) && lb.get('drop_invalid_header_fields') !== UNKNOWN) report(lb, 'drop_invalid_header_fields', 'drop_invalid_header_fields is not true');
      }
    },
  },
  {
    id: 'ALB_ACCESS_LOGS', checkov: 'CKV_AWS_91', trivy: null,
    title: 'Load balancers write access logs',
    reason: 'the access log in S3 is the cheap, complete record of every request (the services sample theirs)',
    check(sc, report) {
      for (const lb of sc.byType('aws_lb')) {
        const on = lb.blocks('access_logs').some((a) => { const v = a.get('enabled'); return isTrue(v) || v === UNKNOWN; });
        if (!on) report(lb, 'access_logs', 'access_logs is missing or not enabled');
      }
    },
  },
  {
    id: 'S3_PUBLIC_ACCESS_BLOCK', checkov: 'CKV2_AWS_6', trivy: 'AVD-AWS-0094',
    title: 'S3 buckets block all public access',
    reason: 'no ACL or policy mistake can make the logs or assets public',
    check(sc, report) {
      const flags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      for (const b of sc.byType('aws_s3_bucket')) {
        const pabs = linked(sc, b, 'aws_s3_bucket_public_access_block', 'bucket');
        if (!pabs.length) { report(b, undefined, 'no aws_s3_bucket_public_access_block refers to this bucket'); continue; }
        for (const p of pabs) {
          for (const f of flags) {
            const v = p.get(f);
            if (v === undefined || isFalse(v)) report(p, f, `${f} is not true`);
          }
        }
      }
    },
  },
  {
    id: 'S3_ENCRYPTION', checkov: 'CKV_AWS_19', trivy: 'AVD-AWS-0088',
    title: 'S3 buckets have default encryption configured',
    reason: 'objects are encrypted at rest with a key the configuration names',
    check(sc, report) {
      for (const b of sc.byType('aws_s3_bucket')) {
        const encs = linked(sc, b, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket');
        const ok = encs.some((e) => e.blocks('rule').some((r) => r.blocks('apply_server_side_encryption_by_default').some((d) => d.get('sse_algorithm') !== undefined)));
        if (!ok) report(b, undefined, 'no aws_s3_bucket_server_side_encryption_configuration with a default algorithm refers to this bucket');
      }
    },
  },
  {
    id: 'S3_VERSIONING', checkov: 'CKV_AWS_21', trivy: 'AVD-AWS-0090',
    title: 'S3 buckets are versioned',
    reason: 'an overwrite or delete of a log, state or asset object can be undone',
    check(sc, report) {
      for (const b of sc.byType('aws_s3_bucket')) {
        const vs = linked(sc, b, 'aws_s3_bucket_versioning', 'bucket');
        const ok = vs.some((v) => v.blocks('versioning_configuration').some((c) => { const s = c.get('status'); return s === 'Enabled' || s === UNKNOWN; }));
        if (!ok) report(b, undefined, 'no aws_s3_bucket_versioning with status = "Enabled" refers to this bucket');
      }
    },
  },
  {
    id: 'IAM_NO_WILDCARD_ADMIN', checkov: 'CKV_AWS_63', trivy: 'AVD-AWS-0057',
    title: 'No IAM policy allows "*" (or a whole service) on "*"',
    reason: 'least privilege: a leaked credential must not be able to do everything',
    check(sc, report) {
      for (const s of identityStatements(sc)) {
        const wildAction = s.actions.find((a) => a === '*' || (typeof a === 'string' && /^[a-z0-9-]+:\*$/.test(a)));
        if (wildAction && s.resources.includes('*')) report(s.view, 'actions', `${s.at.address} allows ${JSON.stringify(wildAction)} on "*"`);
      }
    },
  },
  {
    id: 'IAM_NO_PASSROLE_WILDCARD', checkov: 'CKV_AWS_286', trivy: 'AVD-AWS-0057',
    title: 'No IAM policy allows iam:PassRole on "*"',
    reason: 'PassRole on any role is privilege escalation to the most powerful role in the account',
    check(sc, report) {
      for (const s of identityStatements(sc)) {
        const pass = s.actions.find((a) => typeof a === 'string' && /^(iam:(PassRole|Pass\*|\*)|\*)$/i.test(a));
        if (pass && s.resources.includes('*')) report(s.view, 'actions', `${s.at.address} allows ${JSON.stringify(pass)} (iam:PassRole) on "*"`);
      }
    },
  },
  {
    id: 'SG_NO_PUBLIC_INGRESS', checkov: 'CKV_AWS_260', trivy: 'AVD-AWS-0107',
    title: 'No security group is open to 0.0.0.0/0 except the load balancer on 80/443',
    reason: 'everything but the public entry point must be reachable only from inside the VPC',
    check(sc, report, accept) {
      const albSgRefs = (inst) => new Set(sc.byType('aws_lb').filter((lb) => lb.inst === inst).flatMap((lb) => lb.refsIn('security_groups')));
      const open = (cidrs) => asList(cidrs).some((c) => OPEN_CIDRS.includes(c));
      const webPort = (from, to, proto) => known(from) && known(to) && Number(from) === Number(to) && [80, 443].includes(Number(from)) && proto !== '-1' && proto !== 'all';
      const judge = (view, owner, sgRef, from, to, proto, where) => {
        const isAlb = sgRef && albSgRefs(owner.inst).has(sgRef);
        if (isAlb && webPort(from, to, proto)) {
          accept(owner, `the load balancer's port ${from} is the public entry point`);
          return;
        }
        report(view, where, `ingress from the internet on ${proto === '-1' ? 'all ports' : `ports ${from}-${to}`}${isAlb ? '' : ' to a security group that is not the load balancer\'s'}`);
      };
      for (const sg of sc.byType('aws_security_group')) {
        for (const ing of sg.blocks('ingress')) {
          if (open(ing.get('cidr_blocks')) || open(ing.get('ipv6_cidr_blocks'))) judge(ing, sg, `aws_security_group.${sg.name}`, ing.get('from_port'), ing.get('to_port'), ing.get('protocol'), 'cidr_blocks');
        }
      }
      for (const r of sc.byType('aws_security_group_rule')) {
        if (r.get('type') !== 'ingress') continue;
        if (open(r.get('cidr_blocks')) || open(r.get('ipv6_cidr_blocks'))) judge(r, r, r.refsIn('security_group_id')[0], r.get('from_port'), r.get('to_port'), r.get('protocol'), 'cidr_blocks');
      }
      for (const r of sc.byType('aws_vpc_security_group_ingress_rule')) {
        if (OPEN_CIDRS.includes(r.get('cidr_ipv4')) || OPEN_CIDRS.includes(r.get('cidr_ipv6'))) judge(r, r, r.refsIn('security_group_id')[0], r.get('from_port'), r.get('to_port'), r.get('ip_protocol'), 'cidr_ipv4');
      }
    },
  },
  {
    id: 'SG_NO_PUBLIC_EGRESS', checkov: 'CKV_AWS_382', trivy: 'AVD-AWS-0104',
    title: 'No security group sends to 0.0.0.0/0 except tasks on HTTPS and a NAT instance',
    reason: 'open egress lets a compromised task exfiltrate anywhere; only AWS HTTPS endpoints and NAT forwarding need the internet',
    check(sc, report, accept) {
      const open = (cidrs) => asList(cidrs).some((c) => OPEN_CIDRS.includes(c));
      // Security groups of ECS services and of NAT instances (source/dest check off), by reference.
      const taskSgs = (inst) => new Set(sc.byType('aws_ecs_service').filter((s) => s.inst === inst)
        .flatMap((s) => s.refsIn('network_configuration')));
      const natSgs = (inst) => new Set(sc.byType('aws_instance').filter((i) => i.inst === inst && isFalse(i.get('source_dest_check')))
        .flatMap((i) => i.refsIn('vpc_security_group_ids')));
      const judge = (owner, view, sgRef, from, to, proto, where) => {
        const https = known(from) && known(to) && Number(from) === 443 && Number(to) === 443 && (proto === 'tcp' || proto === '6');
        if (sgRef && https && taskSgs(owner.inst).has(sgRef)) return accept(owner, 'ECS tasks reach AWS public HTTPS endpoints');
        if (sgRef && natSgs(owner.inst).has(sgRef)) return accept(owner, 'a NAT instance forwards the VPC\'s egress');
        report(view, where, `egress to the internet on ${proto === '-1' || proto === 'all' ? 'all ports' : `ports ${from}-${to}`} from a security group that is neither a task's on HTTPS nor a NAT instance's`);
      };
      for (const sg of sc.byType('aws_security_group')) {
        for (const eg of sg.blocks('egress')) {
          if (open(eg.get('cidr_blocks')) || open(eg.get('ipv6_cidr_blocks'))) judge(sg, eg, `aws_security_group.${sg.name}`, eg.get('from_port'), eg.get('to_port'), eg.get('protocol'), 'cidr_blocks');
        }
      }
      for (const r of sc.byType('aws_security_group_rule')) {
        if (r.get('type') !== 'egress') continue;
        if (open(r.get('cidr_blocks')) || open(r.get('ipv6_cidr_blocks'))) judge(r, r, r.refsIn('security_group_id')[0], r.get('from_port'), r.get('to_port'), r.get('protocol'), 'cidr_blocks');
      }
      for (const r of sc.byType('aws_vpc_security_group_egress_rule')) {
        if (OPEN_CIDRS.includes(r.get('cidr_ipv4')) || OPEN_CIDRS.includes(r.get('cidr_ipv6'))) judge(r, r, r.refsIn('security_group_id')[0], r.get('from_port'), r.get('to_port'), r.get('ip_protocol'), 'cidr_ipv4');
      }
    },
  },
  {
    id: 'ALB_INTERNET_FACING', checkov: null, trivy: 'AVD-AWS-0053',
    title: 'An internet-facing load balancer is the hardened public entry point',
    reason: 'only the shop\'s entry point faces the internet, and it drops malformed headers and writes access logs',
    check(sc, report, accept) {
      for (const lb of sc.byType('aws_lb')) {
        const internal = lb.get('internal');
        if (isTrue(internal) || internal === UNKNOWN) continue;
        const hardened = isTrue(lb.get('drop_invalid_header_fields')) && lb.blocks('access_logs').some((a) => isTrue(a.get('enabled')));
        if (hardened) accept(lb, 'the shop\'s public entry point');
        else report(lb, 'internal', 'an internet-facing load balancer that does not drop invalid headers and write access logs');
      }
    },
  },
  {
    id: 'S3_CMK', checkov: 'CKV_AWS_145', trivy: 'AVD-AWS-0132',
    title: 'S3 buckets are encrypted with a customer-managed KMS key, except ALB access-log buckets',
    reason: 'a key policy governs who may read the objects; ALB access logs can only be delivered to SSE-S3 buckets',
    check(sc, report, accept) {
      // Buckets whose policy lets the ELB log delivery service write: SSE-S3 is required there.
      const albLogBucket = (b) => linked(sc, b, 'aws_s3_bucket_policy', 'bucket').some((p) => p.refsIn('policy').some((ref) =>
        ref.startsWith('data.aws_iam_policy_document.') && sc.resolve(p, ref).some((doc) => doc.blocks('statement').some((st) =>
          st.blocks('principals').some((pr) => asList(pr.get('identifiers')).includes('logdelivery.elasticloadbalancing.amazonaws.com'))))));
      for (const b of sc.byType('aws_s3_bucket')) {
        for (const e of linked(sc, b, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket')) {
          const kms = e.blocks('rule').some((r) => r.blocks('apply_server_side_encryption_by_default').some((d) => /^aws:kms/.test(d.get('sse_algorithm') || '') || d.get('sse_algorithm') === UNKNOWN));
          if (kms) continue;
          if (albLogBucket(b)) accept(e, 'ALB access logs can only be written to SSE-S3 buckets');
          else report(e, 'rule', 'default encryption is SSE-S3, not a customer-managed KMS key');
        }
      }
    },
  },
  {
    id: 'VPC_DEFAULT_SG_CLOSED', checkov: 'CKV2_AWS_12', trivy: null,
    title: 'The default security group of every VPC allows nothing',
    reason: 'a resource launched without a security group must not get the default allow-all rules',
    check(sc, report) {
      for (const vpc of sc.byType('aws_vpc')) {
        const dsg = linked(sc, vpc, 'aws_default_security_group', 'vpc_id');
        if (!dsg.length) { report(vpc, undefined, 'no aws_default_security_group takes over (and empties) the default security group of this VPC'); continue; }
        for (const d of dsg) {
          if (d.has('ingress') || d.has('egress')) report(d, d.has('ingress') ? 'ingress' : 'egress', 'the default security group has rules');
        }
      }
    },
  },
  {
    id: 'VPC_FLOW_LOGS', checkov: 'CKV2_AWS_11', trivy: 'AVD-AWS-0178',
    title: 'VPC flow logs are enabled',
    reason: 'rejected and accepted connections are recorded for incident response',
    check(sc, report) {
      for (const vpc of sc.byType('aws_vpc')) {
        if (!linked(sc, vpc, 'aws_flow_log', 'vpc_id').length) report(vpc, undefined, 'no aws_flow_log records this VPC');
      }
    },
  },
  {
    id: 'LOG_RETENTION_SET', checkov: 'CKV_AWS_66', trivy: null,
    title: 'CloudWatch log groups have a retention period',
    reason: 'logs kept forever cost money forever ($0.03/GB-month) and outlive their purpose',
    check(sc, report) {
      for (const g of sc.byType('aws_cloudwatch_log_group')) {
        const v = g.get('retention_in_days');
        if (v === undefined || (known(v) && Number(v) <= 0)) report(g, 'retention_in_days', 'retention_in_days is not set (logs never expire)');
      }
    },
  },
  {
    id: 'SECRETS_CMK', checkov: 'CKV_AWS_149', trivy: 'AVD-AWS-0098',
    title: 'Secrets Manager secrets use a customer-managed KMS key',
    reason: 'who may decrypt a secret is then governed by the key policy, and use is audited per key',
    check(sc, report) {
      for (const s of sc.byType('aws_secretsmanager_secret')) {
        if (s.get('kms_key_id') === undefined) report(s, 'kms_key_id', 'kms_key_id is not set');
      }
    },
  },
  {
    id: 'KMS_ROTATION', checkov: 'CKV_AWS_7', trivy: 'AVD-AWS-0065',
    title: 'KMS keys rotate automatically',
    reason: 'yearly rotation limits what one leaked key version can decrypt',
    check(sc, report) {
      for (const k of sc.byType('aws_kms_key')) {
        const spec = k.get('customer_master_key_spec');
        if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') continue;
        if (!isTrue(k.get('enable_key_rotation')) && k.get('enable_key_rotation') !== UNKNOWN) report(k, 'enable_key_rotation', 'enable_key_rotation is not true');
      }
    },
  },
  {
    id: 'SNS_ENCRYPTED', checkov: 'CKV_AWS_26', trivy: 'AVD-AWS-0095',
    title: 'SNS topics are encrypted',
    reason: 'alarm messages can carry resource names and account details',
    check(sc, report) {
      for (const t of sc.byType('aws_sns_topic')) {
        if (t.get('kms_master_key_id') === undefined) report(t, 'kms_master_key_id', 'kms_master_key_id is not set');
      }
    },
  },
  {
    id: 'EC2_IMDSV2', checkov: 'CKV_AWS_79', trivy: 'AVD-AWS-0028',
    title: 'EC2 instances require IMDSv2',
    reason: 'session tokens stop SSRF from reading the instance role credentials',
    check(sc, report) {
      for (const type of ['aws_instance', 'aws_launch_template']) {
        for (const i of sc.byType(type)) {
          const ok = i.blocks('metadata_options').some((m) => { const v = m.get('http_tokens'); return v === 'required' || v === UNKNOWN; });
          if (!ok) report(i, 'metadata_options', 'metadata_options.http_tokens is not "required"');
        }
      }
    },
  },
  {
    id: 'EC2_EBS_ENCRYPTED', checkov: 'CKV_AWS_8', trivy: 'AVD-AWS-0131',
    title: 'EC2 root volumes are encrypted',
    reason: 'disk contents and snapshots are unreadable without the key',
    check(sc, report) {
      for (const i of sc.byType('aws_instance')) {
        const ok = i.blocks('root_block_device').some((b) => { const v = b.get('encrypted'); return isTrue(v) || v === UNKNOWN; });
        if (!ok) report(i, 'root_block_device', 'root_block_device.encrypted is not true');
      }
    },
  },
];

// Project rules (no checkov/trivy equivalent) follow the security rules.
RULES.push(require('./metrics').rule);

module.exports = { RULES, decodeJson, containsUnknown };

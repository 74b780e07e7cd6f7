// Validates a compose file against the Compose Specification JSON schema
// (the copy of compose-spec.json that dclint ships, tools/devtools) with ajv.
// YAML anchors and merge keys are resolved first, as compose does.
//   node validate-compose.mjs docker-compose.yml
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const devtools = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'devtools');
const require = createRequire(join(devtools, 'package.json'));
const Ajv = require('ajv');
const YAML = require('yaml');
const schemaPath = join(devtools, 'node_modules', 'dclint', 'schemas', 'compose.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate-compose.mjs COMPOSE_FILE');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: 100 });
// ajv's default class is draft-07, which the schema declares under an
// address ajv does not know ("https:", no "#"): compile it without it.
const { $schema: draft, ...body } = schema;
if (!/draft-07/.test(draft)) {
  console.error(`${schemaPath}: expected a draft-07 schema, found ${draft}`);
  process.exit(1);
}
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(body);
if (!validate(doc)) {
  for (const e of validate.errors) {
    console.error(`${file}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  process.exit(1);
}
if (schema.title !== 'Compose Specification') {
  console.error(`${schemaPath} is not the Compose Specification schema`);
  process.exit(1);
}
console.log(`${file}: valid against the Compose Specification schema (${schemaPath.replace(/.*node_modules\//, '')})`);

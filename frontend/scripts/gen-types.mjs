// Generates src/generated/api.ts, the TypeScript types of the api's wire shapes, from
// openapi.json (the api's OpenAPI document, kept current by a test in crates/api). With
// --check it only compares, and fails when the committed file is stale, so the UI and the
// api cannot drift apart unnoticed.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const source = new URL('../openapi.json', import.meta.url);
const target = new URL('../src/generated/api.ts', import.meta.url);
const header = `// Generated from openapi.json by \`npm run gen:types\`; do not edit by hand.\n\n`;

const ast = await openapiTS(JSON.parse(await readFile(source, 'utf8')));
const generated = header + astToString(ast);

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error('src/generated/api.ts is stale: run `npm run gen:types` and commit it.');
    process.exit(1);
  }
  console.log('src/generated/api.ts is current.');
} else {
  await writeFile(target, generated);
  console.log('wrote src/generated/api.ts');
}

// Validates Kubernetes objects against the Kubernetes OpenAPI schema that kubernetes-models compiles into one
// validator per kind (kubernetes-models 4.5.1: Kubernetes v1.33.0, plus the APIs older releases removed).
//   node validate.mjs objects.json      (a JSON array of objects, e.g. kubectl kustomize's output)
// Prints one line per object, "ok <apiVersion> <kind>/<name>" or "error <apiVersion> <kind>/<name>: <what>", and
// exits 1 when any object is invalid or of a kind the schema does not know.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let invalid = 0;
for (const object of objects) {
  const name = `${object.apiVersion} ${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
  } catch (e) {
    console.log(`error ${name}: no schema for this apiVersion and kind (${e.code ?? e.message})`);
    invalid++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`error ${name}: ${e.message}`);
    invalid++;
  }
}
process.exit(invalid === 0 ? 0 : 1);

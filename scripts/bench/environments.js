/**
 * A webcluster.yaml with N environments for scripts/bench.js: the environments of the default
 * webcluster.yaml in turn (AWS and Docker, standalone and Swarm, every app), each copy renamed
 * `<name>-<k>` (and its `environment` tag with it), so N environments are N stacks of the usual mix.
 */
const fs = require('fs');
const path = require('path');
const { parse, stringify } = require('yaml');

const root = path.resolve(__dirname, '..', '..');

/** The configuration object with `count` environments. */
function environmentsConfig(count) {
  const defaults = parse(fs.readFileSync(path.join(root, 'webcluster.yaml'), 'utf8')).environments;
  const environments = Array.from({ length: count }, (_, i) => {
    const env = structuredClone(defaults[i % defaults.length]);
    env.name = `${env.name}-${Math.floor(i / defaults.length) + 1}`;
    if (env.tags && env.tags.environment !== undefined) env.tags.environment = env.name;
    return env;
  });
  return { environments };
}

/** Writes the configuration with `count` environments into `dir`; returns the file. */
function writeEnvironmentsConfig(dir, count) {
  const file = path.join(dir, `webcluster-${count}.yaml`);
  fs.writeFileSync(file, stringify(environmentsConfig(count)));
  return file;
}

module.exports = { environmentsConfig, writeEnvironmentsConfig };

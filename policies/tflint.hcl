# TFLint configuration of `npm run lint:tf` (scripts/lint-tf.sh): the AWS ruleset (~700 rules generated from the
# AWS API models: instance types, engine names, name patterns and lengths, enum values) and the terraform
# ruleset's recommended preset, over every synthesized stack. The AWS plugin is the binary the script builds
# from ../shared/linters/tflint-ruleset-aws into TFLINT_PLUGIN_DIR; with registry access,
# `npm run lint:tf -- --registry` adds the plugin's source and version below and lets `tflint --init` fetch it.
config {
  format = "compact"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
}

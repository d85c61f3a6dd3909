#!/bin/bash
{{! /etc/webcluster/release-hook: the host's own bash (HostRelease.hook), run as root in each new release directory before it goes live. }}
set -euo pipefail
{{hook}}
